import * as vscode from 'vscode';
import { LAB_REGISTRY } from '../../core/labSteps/labConfig';
import { settings } from '../../editor/settings';

/** Compose's own file names; `swarmLab.composeFiles` adds more. */
export const COMPOSE_PATTERN = '**/{docker-compose,compose}*.{yml,yaml}';
/** The lab's registry (core/labSteps/labConfig), the setting's default. */
export const DEFAULT_REGISTRY = LAB_REGISTRY;

/**
 * The user's globs are matched against whole paths: a relative glob such as
 * `stacks/*.yml` means "anywhere in the workspace", as in files.exclude.
 */
export function composePatterns(): string[] {
  const globs = settings().composeFiles();
  return [COMPOSE_PATTERN, ...globs.map((g) => (g.startsWith('**/') || g.startsWith('/') ? g : `**/${g}`))];
}

export function composeSelector(): vscode.DocumentFilter[] {
  return composePatterns().map((pattern) => ({ scheme: 'file', pattern }));
}

export function isComposeDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(composeSelector(), document) > 0;
}

/**
 * The lab registry from `swarmLab.registry`. A value Docker would misread
 * (`registry/app` is a Docker Hub namespace) is refused once, loudly, and
 * the default is used instead of sending images to the wrong place.
 */
export function labRegistry(): string {
  return settings().registry();
}
