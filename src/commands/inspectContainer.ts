import * as vscode from 'vscode';
import { InspectDocumentProvider } from '../documents/inspectDocumentProvider';
import { LocalDockerEngine } from '../services/localDockerEngine';
import type { ContainersNode } from '../views/containersTreeProvider';
import { Command } from './command';
import { resolveContainer } from './containerArgument';

export function inspectContainerCommand(
  local: LocalDockerEngine,
  selection: () => readonly ContainersNode[] | undefined,
): Command {
  return {
    id: 'swarmLab.containers.inspect',
    async execute(arg: unknown) {
      const container = await resolveContainer(arg, local, selection());
      if (!container) {
        return undefined;
      }
      const doc = await vscode.workspace.openTextDocument(InspectDocumentProvider.uriFor(container.name, container.id));
      return vscode.window.showTextDocument(doc, { preview: true });
    },
  };
}
