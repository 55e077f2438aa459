import * as vscode from 'vscode';
import type { PanelPage } from '../core/labPanel/panelHtml';

/** The only folder our webviews may load from: the bundled scripts and stylesheets. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/** A panel of ours (the lab, the cluster map): scripts from our folder only, a find widget, no hidden state kept. */
export function createWebviewPanel(
  viewType: string,
  title: string,
  viewColumn: vscode.ViewColumn,
  extensionUri: vscode.Uri,
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn, preserveFocus: false },
    { ...webviewOptions(extensionUri), enableFindWidget: true, retainContextWhenHidden: false },
  );
}

/** What a page needs from its panel: the origin, `dist/webview/<name>.js` and `.css`, the nonce, language and title. */
export function pageOf(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, name: string, nonce: string): PanelPage {
  const webview = panel.webview;
  const dir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  return {
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dir, `${name}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dir, `${name}.css`)).toString(),
    nonce,
    lang: vscode.env.language,
    title: panel.title,
  };
}

/** The panel to show: the open one, revealed, or a new one (one panel of a kind at a time). */
export function revealOrCreate<P extends { reveal(): void }>(open: P | undefined, create: () => P): P {
  if (open) {
    open.reveal();
    return open;
  }
  return create();
}
