import * as vscode from 'vscode';
import { clusterMapHtml, clusterMapPage } from '../../../core/cluster/clusterMapHtml';
import {
  CLUSTER_MAP_VIEW_TYPE,
  parseClusterMapPageMessage,
  type ClusterMapMessage,
} from '../../../core/cluster/clusterMapProtocol';
import { newNonce } from '../../../core/labPanel/panelHtml';
import { createWebviewPanel, pageOf, SinglePanelOwner, webviewOptions } from '../../../editor/webviewPanel';
import { Disposable } from '../../../platform/disposable';
import type { ClusterMapFeed } from '../../../model/swarm/clusterMapSource';

/**
 * The cluster map's own panel: a page rendered once (with a fresh nonce),
 * then a new fragment posted to it whenever the map changes; the page swaps
 * it in and keeps the focus on the card it was on. A thin adapter: the map
 * is built in core/cluster, fed by ClusterMapSource.
 */
export class ClusterMapPanel extends Disposable {
  private readonly posted = this._register(new vscode.EventEmitter<ClusterMapMessage>());
  /** Every map sent to the page (tests follow the panel through it). */
  readonly onDidPostMessage = this.posted.event;
  private readonly closed = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;
  private readonly loaded = this._register(new vscode.EventEmitter<void>());
  /** The page's script ran (under the CSP) and asked for the map. */
  readonly onDidLoadPage = this.loaded.event;
  /** The nonce of the page shown now. */
  nonce = '';
  private shown: ClusterMapMessage | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly feed: ClusterMapFeed,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register({
      dispose: () => {
        panel.dispose();
      },
    });
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'swarm-lab.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (parseClusterMapPageMessage(raw)) {
          // A page (re)built, maybe from the first render's HTML: it gets the map of now.
          this.send(true);
          this.loaded.fire();
        } else {
          this.log.warn(`cluster map: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
        }
      }),
    );
    this._register(feed.onDidChange(() => this.send(false)));
    feed.activate();
    this.render();
  }

  override dispose(): void {
    if (!this.isDisposed) {
      this.closed.fire();
    }
    super.dispose();
  }

  /** The map the page shows now, as HTML and as text. */
  get message(): ClusterMapMessage {
    return this.shown ?? this.current();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** A fresh page, with a new nonce, showing the map before its script even runs. */
  render(): void {
    this.nonce = newNonce();
    this.shown = this.current();
    this.panel.webview.html = clusterMapPage({
      ...pageOf(this.panel, this.extensionUri, 'clusterMap', this.nonce),
      fragment: this.shown.html,
    });
  }

  private current(): ClusterMapMessage {
    return { type: 'clusterMap', html: clusterMapHtml(this.feed.model, vscode.l10n), text: this.feed.text };
  }

  /** Posts the map unless the page shows it already (several models may fire for one change). */
  private send(always: boolean): void {
    if (this.isDisposed) {
      return;
    }
    const message = this.current();
    if (!always && message.html === this.shown?.html) {
      return;
    }
    this.shown = message;
    this.posted.fire(message);
    void this.panel.webview.postMessage(message);
  }
}

/** At most one map panel: opened by its command, or brought back by VS Code after a reload. */
export class ClusterMapPanels
  extends SinglePanelOwner<ClusterMapPanel>
  implements vscode.WebviewPanelSerializer<unknown>
{
  constructor(
    /** The map itself, for the lab panel and for tests too. */
    readonly feed: ClusterMapFeed,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Shows the map beside the editor (the lab panel, a compose file), creating it when there is none. */
  show(): ClusterMapPanel {
    return this.showOrCreate(() =>
      this.panelFor(
        createWebviewPanel(
          CLUSTER_MAP_VIEW_TYPE,
          vscode.l10n.t('Cluster map'),
          vscode.ViewColumn.Beside,
          this.extensionUri,
        ),
      ),
    );
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.restore(() => this.panelFor(panel));
    return Promise.resolve();
  }

  private panelFor(webviewPanel: vscode.WebviewPanel): ClusterMapPanel {
    return new ClusterMapPanel(webviewPanel, this.feed, this.extensionUri, this.log);
  }
}
