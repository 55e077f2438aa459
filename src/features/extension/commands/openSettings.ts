import * as vscode from 'vscode';
import { Command } from '../../../editor/command';

export function openSettingsCommand(extensionId: string): Command {
  return {
    id: 'swarmLab.openSettings',
    execute: () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId}`),
  };
}
