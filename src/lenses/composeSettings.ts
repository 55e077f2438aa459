import * as vscode from 'vscode';
import { checkRegistryHost } from '../core/images/imageForms';
import { LAB_REGISTRY } from '../core/labSteps/labConfig';
import { notifyWarning } from '../editor/notify';

/** Compose's own file names; `swarmLab.composeFiles` adds more. */
export const COMPOSE_PATTERN = '**/{docker-compose,compose}*.{yml,yaml}';
/** The lab's registry (core/labSteps/labConfig), the setting's default. */
export const DEFAULT_REGISTRY = LAB_REGISTRY;

/**
 * The user's globs are matched against whole paths: a relative glob such as
 * `stacks/*.yml` means "anywhere in the workspace", as in files.exclude.
 */
export function composePatterns(): string[] {
  const extra = vscode.workspace.getConfiguration('swarmLab').get<unknown>('composeFiles', []);
  const globs = Array.isArray(extra) ? extra.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  return [COMPOSE_PATTERN, ...globs.map((g) => (g.startsWith('**/') || g.startsWith('/') ? g : `**/${g}`))];
}

export function composeSelector(): vscode.DocumentFilter[] {
  return composePatterns().map((pattern) => ({ scheme: 'file', pattern }));
}

export function isComposeDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(composeSelector(), document) > 0;
}

let warnedAbout: string | undefined;

/**
 * The lab registry from `swarmLab.registry`. A value Docker would misread
 * (`registry/app` is a Docker Hub namespace) is refused once, loudly, and
 * the default is used instead of sending images to the wrong place.
 */
export function labRegistry(): string {
  const value = vscode.workspace.getConfiguration('swarmLab').get<string>('registry', DEFAULT_REGISTRY).trim();
  if (value === '') {
    return DEFAULT_REGISTRY;
  }
  const problem = checkRegistryHost(value, vscode.l10n);
  if (!problem) {
    return value;
  }
  if (warnedAbout !== value) {
    warnedAbout = value;
    void notifyWarning(vscode.l10n.t('swarmLab.registry: {0} Using {1} meanwhile.', problem.message, DEFAULT_REGISTRY));
  }
  return DEFAULT_REGISTRY;
}
