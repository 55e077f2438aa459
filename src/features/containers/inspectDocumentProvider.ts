import * as vscode from 'vscode';
import type { ContainerHosts } from '../../model/containers/containerHosts';

export const INSPECT_SCHEME = 'swarm-lab-inspect';

/**
 * Read-only JSON documents of `docker inspect`, addressed as
 * `swarm-lab-inspect:/<engine>/containers/<name>.json?<id>` (engine:
 * `local` or a machine's ID). A content provider's
 * documents cannot be edited, which is what an inspect view should be.
 */
export class InspectDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly hosts: ContainerHosts) {}

  static uriFor(engineKey: string, containerName: string, id: string): vscode.Uri {
    return vscode.Uri.from({
      scheme: INSPECT_SCHEME,
      path: `/${encodeURIComponent(engineKey)}/containers/${encodeURIComponent(containerName)}.json`,
      query: id,
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const id = uri.query;
    const engineKey = decodeURIComponent(uri.path.split('/')[1] ?? 'local');
    const host = this.hosts.host(engineKey);
    if (!host) {
      throw new Error(vscode.l10n.t('{0} is not connected.', engineKey));
    }
    const info = await (await host.engine()).inspectContainer(id);
    if (token.isCancellationRequested) {
      return '';
    }
    return `${JSON.stringify(info, null, 2)}\n`;
  }

  /** Asks VS Code to read a document again (used by the Refresh of an open inspect). */
  reload(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
