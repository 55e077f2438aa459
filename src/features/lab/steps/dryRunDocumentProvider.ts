import * as vscode from 'vscode';
import { Disposable } from '../../../platform/disposable';

export const DRY_RUN_SCHEME = 'swarm-lab-dry-run';

/** Read-only documents showing what a dry run found would run where. */
export class DryRunDocumentProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private count = 0;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(DRY_RUN_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens a new document with the text, coloured as a step log. */
  async show(name: string, text: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: DRY_RUN_SCHEME, path: `/${++this.count}/${name}` });
    this.texts.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    const coloured = await vscode.languages.setTextDocumentLanguage(doc, 'swarm-lab-log');
    await vscode.window.showTextDocument(coloured, { preview: false });
    return coloured;
  }
}
