import * as vscode from 'vscode';
import { LocalDockerEngine } from '../services/localDockerEngine';

export const INSPECT_SCHEME = 'swarm-lab-inspect';

/**
 * Read-only JSON documents of `docker inspect`, addressed as
 * `swarm-lab-inspect:/local/containers/<name>.json?<id>`. A content provider's
 * documents cannot be edited, which is what an inspect view should be.
 */
export class InspectDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly local: LocalDockerEngine) {}

  static uriFor(containerName: string, id: string): vscode.Uri {
    return vscode.Uri.from({
      scheme: INSPECT_SCHEME,
      path: `/local/containers/${encodeURIComponent(containerName)}.json`,
      query: id,
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const id = uri.query;
    const info = await this.local.engine().inspectContainer(id);
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
