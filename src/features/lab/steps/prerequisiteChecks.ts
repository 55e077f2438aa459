import * as vscode from 'vscode';
import { dataDiskDeclared, machinesReachable, type FolderVagrantfile } from '../../../core/labSteps/prerequisiteChecks';
import { readVagrantfile } from '../../../core/vagrant/vagrantfile';
import type { SideCheck } from './labStepService';
import type { MachineRegistry } from '../../../model/machines/machineRegistry';

/**
 * Section 1's checks, answered from what VS Code knows: the machines'
 * states as the registry last saw them (no connection made for the check),
 * and the workspace folders' Vagrantfiles as the editor has them.
 */
export function machinesReachableCheck(machines: MachineRegistry): SideCheck {
  return {
    run: () => Promise.resolve(machinesReachable(machines.machines(), vscode.l10n)),
    changes: machines.onDidChange,
  };
}

export function dataDiskCheck(vagrantfileChanged: vscode.Event<unknown>): SideCheck {
  return {
    run: async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const files: FolderVagrantfile[] = await Promise.all(
        folders.map(async (f) => {
          const text = await textOf(vscode.Uri.joinPath(f.uri, 'Vagrantfile'));
          return { folder: f.name, ...(text === undefined ? {} : { read: readVagrantfile(text, vscode.l10n) }) };
        }),
      );
      return dataDiskDeclared(files, vscode.l10n);
    },
    changes: vagrantfileChanged,
  };
}

/** The editor's text when the file is open (unsaved changes too), else the file's; undefined if none. */
async function textOf(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    return open.getText();
  }
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
