import * as vscode from 'vscode';
import type { ClusterMapFeed } from '../../../model/swarm/clusterMapSource';
import { clusterMapHtml } from '../../../core/cluster/clusterMapHtml';
import type { ClusterMapMessage } from '../../../core/cluster/clusterMapProtocol';
import { Disposable } from '../../../platform/disposable';

/**
 * The cluster map above each section of the lab panel: the map of the
 * map's own panel, without its title (the region's summary names it), its
 * node headings below the section's. Sent once the page is ready, then on
 * each change of the cluster, never twice the same.
 */
export class LabClusterMap extends Disposable {
  private ready = false;
  private sent: string | undefined;

  constructor(
    private readonly feed: ClusterMapFeed,
    private readonly post: (message: ClusterMapMessage) => void,
  ) {
    super();
    this._register(feed.onDidChange(() => this.send()));
  }

  /** A page was (re)built and has no map yet: it gets the map of now, and the map follows the cluster. */
  pageReady(): void {
    this.ready = true;
    this.sent = undefined;
    this.feed.activate();
    this.send();
  }

  private send(): void {
    if (!this.ready || this.isDisposed) {
      return;
    }
    const html = clusterMapHtml(this.feed.model, vscode.l10n, { title: false, level: 3 });
    if (html !== this.sent) {
      this.sent = html;
      this.post({ type: 'clusterMap', html, text: this.feed.text });
    }
  }
}
