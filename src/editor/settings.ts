import * as vscode from 'vscode';
import {
  SETTINGS,
  changedSettings,
  checkedImages,
  checkedRegistry,
  checkedVirtualIp,
  managersSetting,
  stringList,
  stringSetting,
  type PathSettingKey,
  type SettingKey,
} from '../core/settings/settingsModel';
import { Disposable } from '../platform/disposable';
import { notifyWarning, notifyWarningOnce } from './notify';
import { settingPath } from './settingPath';

export type { SettingKey } from '../core/settings/settingsModel';

/**
 * The `swarmLab.*` settings, read through the editor and checked by
 * core/settings/settingsModel. One configuration listener for the whole
 * extension: `onDidChange` fires once per change with the keys it touched.
 * A refused value is said once, by name, and its default is used.
 */
export class Settings extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<ReadonlySet<SettingKey>>());
  /** Fires once per configuration change that touches `swarmLab.*`, with the keys touched. */
  readonly onDidChange = this.changed.event;
  /** The registry value last refused: said again only when the value changes. */
  private registryRefused: string | undefined;

  constructor() {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const keys = changedSettings((section) => e.affectsConfiguration(section));
        if (keys.size > 0) {
          this.changed.fire(keys);
        }
      }),
    );
  }

  /** The raw value in force, or the setting's default. */
  private raw(key: SettingKey): unknown {
    return vscode.workspace.getConfiguration('swarmLab').get<unknown>(key, SETTINGS[key].default);
  }

  /** A value refused is said once per window, not at each read. */
  private sayOnce(problems: readonly string[]): void {
    problems.forEach(notifyWarningOnce);
  }

  /** swarmLab.dockerHost, trimmed ('' when unset). */
  dockerHost(): string {
    return stringSetting(this.raw('dockerHost'));
  }

  /** swarmLab.reportFile, trimmed ('' when blank: the caller uses its default). */
  reportFile(): string {
    return stringSetting(this.raw('reportFile'), SETTINGS.reportFile.default);
  }

  /** swarmLab.hosts as written: sshHostMachines reads and checks it, and says each refused entry. */
  hosts(): unknown {
    return this.raw('hosts');
  }

  /** swarmLab.vagrant.folders, the non-blank ones, as written. */
  vagrantFolders(): string[] {
    return stringList(this.raw('vagrant.folders'));
  }

  /** swarmLab.composeFiles, the non-blank globs, as written. */
  composeFiles(): string[] {
    return stringList(this.raw('composeFiles'));
  }

  /** swarmLab.virtualIp as written, unchecked (the machines list reads it with virtualIpOf). */
  rawVirtualIp(): string {
    const raw = this.raw('virtualIp');
    return typeof raw === 'string' ? raw : '';
  }

  /** swarmLab.virtualIp, '' (the lab's own) when refused. */
  virtualIp(): string {
    const { value, problems } = checkedVirtualIp(this.raw('virtualIp'), vscode.l10n);
    this.sayOnce(problems);
    return value;
  }

  /** swarmLab.images, the roles whose image is valid. */
  images(): Record<string, string> {
    const { value, problems } = checkedImages(this.raw('images'), vscode.l10n);
    this.sayOnce(problems);
    return value;
  }

  /** swarmLab.swarm.managers. */
  managers(): number {
    return managersSetting(this.raw('swarm.managers'));
  }

  /** swarmLab.registry, the lab's when empty or refused. */
  registry(): string {
    const raw = this.raw('registry');
    const { value, problems } = checkedRegistry(raw, vscode.l10n);
    const written = stringSetting(raw);
    if (problems.length > 0 && this.registryRefused !== written) {
      this.registryRefused = written;
      problems.forEach((p) => void notifyWarning(p));
    }
    return value;
  }

  /** A path setting resolved (editor/settingPath): undefined when unset or refused. */
  path(key: PathSettingKey): string | undefined {
    return settingPath(key);
  }
}

let shared: Settings | undefined;

/** The extension's one Settings, made on first use. */
export function settings(): Settings {
  return (shared ??= new Settings());
}

/** Releases the one Settings (its configuration listener); activation registers this. */
export const settingsDisposable: vscode.Disposable = {
  dispose: () => {
    shared?.dispose();
    shared = undefined;
  },
};
