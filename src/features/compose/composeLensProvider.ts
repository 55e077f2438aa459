import * as vscode from 'vscode';
import { LensAction, planLenses, registryImages } from '../../core/compose/composeLensPlan';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';
import { ImagePresenceService } from '../../model/images/imagePresenceService';
import { ComposeAnalyses } from './composeAnalyses';

export const LENS_COMMANDS = {
  flip: 'swarmLab.compose.switchImage',
  flipAll: 'swarmLab.compose.switchAllImages',
  addImage: 'swarmLab.compose.addImage',
  imageActions: 'swarmLab.images.chooseAction',
} as const;

function command(uri: vscode.Uri, action: LensAction, title: string, tooltip?: string): vscode.Command {
  const base = { title, ...(tooltip !== undefined ? { tooltip } : {}) };
  switch (action.kind) {
    case 'flip':
      return { ...base, command: LENS_COMMANDS.flip, arguments: [uri, action.service, action.to] };
    case 'flipAll':
      return { ...base, command: LENS_COMMANDS.flipAll, arguments: [uri, action.to, action.scope] };
    case 'addImage':
      return { ...base, command: LENS_COMMANDS.addImage, arguments: [uri, action.service, action.form] };
    case 'imageActions':
      return { ...base, command: LENS_COMMANDS.imageActions, arguments: [uri, action.service] };
    case 'info':
      // No command: VS Code shows the title as plain text.
      return { ...base, command: '' };
  }
}

/**
 * Lenses of compose files: switch an image between its local and registry
 * forms, all at once, add a missing `image:`, and where each image is. The
 * analysis comes from the per-version cache, so a presence change redraws
 * lenses without parsing anything.
 */
export class ComposeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly analyses: ComposeAnalyses,
    private readonly presence: ImagePresenceService,
  ) {
    super();
    this._register(presence.onDidChange(() => this.changed.fire()));
    this._register(
      refresh().onSettings(['registry'], () => {
        this.changed.fire();
      }),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    this.presence.activate();
    const analysis = await this.analyses.analyze(document);
    if (token.isCancellationRequested || !analysis.valid) {
      return [];
    }
    registryImages(analysis).forEach((image) => this.presence.checkRegistry(image));
    const model = this.presence.model;
    return planLenses(analysis, (ref) => model.report(ref), vscode.l10n).map(
      (lens) =>
        new vscode.CodeLens(
          new vscode.Range(lens.line, 0, lens.line, 0),
          command(document.uri, lens.action, lens.title, lens.tooltip),
        ),
    );
  }
}
