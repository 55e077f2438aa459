import * as vscode from 'vscode';
import { InspectDocumentProvider } from '../inspectDocumentProvider';
import type { ContainerHosts } from '../../../model/containers/containerHosts';
import type { ContainersNode } from '../containersTreeProvider';
import { Command } from '../../../editor/command';
import { resolveContainer } from './containerArgument';

export function inspectContainerCommand(
  hosts: ContainerHosts,
  selection: () => readonly ContainersNode[] | undefined,
): Command {
  return {
    id: 'swarmLab.containers.inspect',
    async execute(arg: unknown, engineKey?: unknown) {
      const target = await resolveContainer(arg, hosts, selection(), engineKey);
      if (!target) {
        return undefined;
      }
      const uri = InspectDocumentProvider.uriFor(target.host.key, target.container.name, target.container.id);
      const doc = await vscode.workspace.openTextDocument(uri);
      return vscode.window.showTextDocument(doc, { preview: true });
    },
  };
}
