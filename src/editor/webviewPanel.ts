import * as vscode from 'vscode';
import type { PanelPage } from '../core/labPanel/panelHtml';
import { Disposable } from '../platform/disposable';

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

/** What a panel owner needs of its panel. */
interface OwnedPanel {
  reveal(): void;
  dispose(): void;
  readonly onDidDispose: vscode.Event<void>;
}

/**
 * The owner of at most one panel of a kind: opened by a command, or brought
 * back by VS Code after a reload (its serializer); it forgets the panel
 * when the user closes it, and says when one opens.
 */
export abstract class SinglePanelOwner<P extends OwnedPanel> extends Disposable {
  private panel: P | undefined;
  private readonly opened = this._register(new vscode.EventEmitter<P>());
  /** A panel was opened or restored. */
  readonly onDidOpen = this.opened.event;

  constructor() {
    super();
    this._register({ dispose: () => this.panel?.dispose() });
  }

  get current(): P | undefined {
    return this.panel;
  }

  /** The open panel revealed, or `create`'s, tracked. */
  protected showOrCreate(create: () => P): P {
    return revealOrCreate(this.panel, () => this.track(create()));
  }

  /** A restored panel replaces the one open (there is one of a kind): that one goes first. */
  protected restore(create: () => P): P {
    this.panel?.dispose();
    return this.track(create());
  }

  private track(panel: P): P {
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
      }
    });
    this.opened.fire(panel);
    return panel;
  }
}
