import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import { openSettingsCommand } from './commands/openSettings';
import { showLogCommand } from './commands/showLog';

export interface ExtensionFeature {
  readonly commands: readonly Command[];
}

/** The extension's own commands: its log and its settings. */
export function register(
  context: vscode.ExtensionContext,
  { log }: { readonly log: vscode.LogOutputChannel },
): ExtensionFeature {
  return { commands: [showLogCommand(log), openSettingsCommand(context.extension.id)] };
}
