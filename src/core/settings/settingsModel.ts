/**
 * Every `swarmLab.*` setting in one place: its name, type and default (the
 * same as package.json's `contributes.configuration`, which a unit test
 * checks), and how a raw value read from the editor becomes a typed one.
 * The checks are the existing ones (checkedValues, imageForms, sshHosts);
 * a refused value yields the default and the message to say.
 */
import { checkRegistryHost } from '../images/imageForms';
import type { Localizer } from '../l10n';
import { checkedLabImages, virtualIpProblem } from '../labSteps/checkedValues';
import { LAB_REGISTRY } from '../labSteps/labConfig';
import { parseSshHostsSetting, type SshHostEntry, type SshHostProblem } from '../ssh/sshHosts';

/** Each setting's JSON type and default, keyed by its name under `swarmLab.`. */
export const SETTINGS = {
  dockerHost: { type: 'string', default: '' },
  'localLab.stateDir': { type: 'string', default: '' },
  'localLab.imageCache': { type: 'string', default: '' },
  hosts: { type: 'array', default: [] as unknown[] },
  knownHostsFile: { type: 'string', default: '' },
  'vagrant.folders': { type: 'array', default: [] as string[] },
  virtualIp: { type: 'string', default: '' },
  images: { type: 'object', default: {} as Record<string, string> },
  registry: { type: 'string', default: LAB_REGISTRY },
  composeFiles: { type: 'array', default: [] as string[] },
  'swarm.managers': { type: 'integer', default: 3 },
  labPath: { type: 'string', default: '' },
  reportFile: { type: 'string', default: 'rendu-tp1.md' },
} as const;

export type SettingKey = keyof typeof SETTINGS;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The path settings, resolved by settingPaths (a workspace's value stays in its folder). */
export type PathSettingKey = 'labPath' | 'knownHostsFile' | 'localLab.stateDir' | 'localLab.imageCache';

/** The keys a configuration change touches, given the editor's `affectsConfiguration` for a full name. */
export function changedSettings(affects: (section: string) => boolean): ReadonlySet<SettingKey> {
  return new Set(SETTING_KEYS.filter((key) => affects(`swarmLab.${key}`)));
}

/** A typed value, and the messages of what was refused in the raw one (empty when nothing was). */
export interface Checked<T> {
  readonly value: T;
  readonly problems: readonly string[];
}

/** A string setting, trimmed; anything else is its default. */
export function stringSetting(raw: unknown, fallback = ''): string {
  return typeof raw === 'string' ? raw.trim() : fallback;
}

/** swarmLab.registry: the lab's registry when empty or refused (a value Docker would misread). */
export function checkedRegistry(raw: unknown, l10n: Localizer): Checked<string> {
  const value = stringSetting(raw, LAB_REGISTRY);
  if (value === '') {
    return { value: LAB_REGISTRY, problems: [] };
  }
  const problem = checkRegistryHost(value, l10n);
  return problem
    ? {
        value: LAB_REGISTRY,
        problems: [l10n.t('swarmLab.registry: {0} Using {1} meanwhile.', problem.message, LAB_REGISTRY)],
      }
    : { value, problems: [] };
}

/** swarmLab.virtualIp: empty (the lab's own) when refused. */
export function checkedVirtualIp(raw: unknown, l10n: Localizer): Checked<string> {
  const value = stringSetting(raw);
  const problem = virtualIpProblem(value, l10n);
  return problem ? { value: '', problems: [problem] } : { value, problems: [] };
}

/** swarmLab.images: the roles whose image is a valid reference. */
export function checkedImages(raw: unknown, l10n: Localizer): Checked<Record<string, string>> {
  const { images, problems } = checkedLabImages(raw, l10n);
  return { value: images, problems };
}

/** swarmLab.hosts: the entries read, and one problem per refused entry. */
export function checkedHosts(
  raw: unknown,
  l10n: Localizer,
): { readonly entries: SshHostEntry[]; readonly problems: SshHostProblem[] } {
  return parseSshHostsSetting(raw, l10n);
}

/** The strings of a list setting that are not blank (composeFiles, vagrant.folders). */
export function stringList(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
}

/** swarmLab.swarm.managers: an integer, else the default. */
export function managersSetting(raw: unknown): number {
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : SETTINGS['swarm.managers'].default;
}
