import * as vscode from 'vscode';
import { unavailableLabActions, type LabActions } from '../../../core/labPanel/labActions';
import { LAB_PANEL_VIEW_TYPE, parsePanelState, type LabPanelState } from '../../../core/labPanel/protocol';
import type { ClusterMapFeed } from '../../../model/swarm/clusterMapSource';
import { createWebviewPanel, SinglePanelOwner } from '../../../editor/webviewPanel';
import { LabPanel } from './labPanel';
import { ReportFile } from './reportFile';

/**
 * The lab panel's owner: at most one panel, opened by the command or brought
 * back after a reload by VS Code through the serializer (with the section
 * and language the webview saved), and the LabActions every panel uses.
 * The step engine plugs in with registerActions; until then the panel runs
 * with actions that say honestly that nothing is available yet.
 */
export class LabPanels extends SinglePanelOwner<LabPanel> implements vscode.WebviewPanelSerializer<unknown> {
  private readonly fallback = unavailableLabActions(vscode.l10n);
  private readonly registered: LabActions[] = [];
  private readonly actionsChanged = this._register(new vscode.EventEmitter<void>());
  readonly report: ReportFile;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** The cluster map every panel shows above its section. */
    private readonly clusterMap?: ClusterMapFeed,
  ) {
    super();
    this.report = this._register(new ReportFile());
  }

  /** Shows the panel, creating it when there is none. */
  open(state: LabPanelState = {}): LabPanel {
    return this.showOrCreate(() =>
      this.panelFor(
        createWebviewPanel(LAB_PANEL_VIEW_TYPE, vscode.l10n.t('Lab'), vscode.ViewColumn.Active, this.extensionUri),
        state,
      ),
    );
  }

  /** VS Code restores a panel that was open before a reload, with the state its webview saved. */
  deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.restore(() => this.panelFor(panel, parsePanelState(state)));
    return Promise.resolve();
  }

  /**
   * The step engine's actions replace the placeholder until the returned
   * Disposable is disposed. The last registered wins; disposing it gives the
   * previous one back (a test's or another lab's engine over the extension's).
   */
  registerActions(actions: LabActions): vscode.Disposable {
    this.registered.push(actions);
    this.actionsChanged.fire();
    return new vscode.Disposable(() => {
      const index = this.registered.lastIndexOf(actions);
      if (index >= 0) {
        this.registered.splice(index, 1);
        this.actionsChanged.fire();
      }
    });
  }

  private panelFor(webviewPanel: vscode.WebviewPanel, state: LabPanelState): LabPanel {
    return new LabPanel(
      webviewPanel,
      {
        extensionUri: this.extensionUri,
        log: this.log,
        report: this.report,
        actions: () => this.registered.at(-1) ?? this.fallback,
        onDidChangeActions: this.actionsChanged.event,
        ...(this.clusterMap ? { clusterMap: this.clusterMap } : {}),
      },
      state,
    );
  }
}
