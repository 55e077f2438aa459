import * as vscode from 'vscode';
import { Command } from '../../../editor/command';

export function showLogCommand(log: vscode.LogOutputChannel): Command {
  return { id: 'swarmLab.showLog', execute: () => log.show() };
}
