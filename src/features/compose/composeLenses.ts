import * as vscode from 'vscode';
import { addComposeImageCommand } from './commands/addComposeImage';
import { buildImageOnEveryNodeCommand } from './commands/buildImageOnEveryNode';
import { chooseImageActionCommand } from './commands/chooseImageAction';
import { Command } from '../../editor/command';
import { distributeImageCommand } from './commands/distributeImage';
import { pushImageToRegistryCommand } from './commands/pushImageToRegistry';
import { switchAllComposeImagesCommand } from './commands/switchAllComposeImages';
import { switchComposeImageCommand } from './commands/switchComposeImage';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';
import type { ImagePresenceService } from '../../model/images/imagePresenceService';
import { ComposeAnalyses } from './composeAnalyses';
import { ComposeLensProvider } from './composeLensProvider';
import { composeSelector } from './composeSettings';
import { ImageHoverProvider } from './imageHoverProvider';

/**
 * Everything compose files get: analyses and diagnostics, lenses, hovers,
 * the image-presence model, and the commands behind the lenses. Providers
 * are registered again when `swarmLab.composeFiles` changes, since a
 * selector is fixed at registration.
 */
export class ComposeLenses extends Disposable {
  readonly analyses: ComposeAnalyses;
  readonly commands: readonly Command[];
  private readonly lenses: ComposeLensProvider;
  private readonly hovers: ImageHoverProvider;
  private registrations: vscode.Disposable[] = [];

  /** `presence` belongs to the images feature, which disposes it. */
  constructor(
    readonly presence: ImagePresenceService,
    log: vscode.LogOutputChannel,
  ) {
    super();
    this.analyses = this._register(new ComposeAnalyses(log));
    this.lenses = this._register(new ComposeLensProvider(this.analyses, this.presence));
    this.hovers = new ImageHoverProvider(this.analyses, this.presence);
    this.commands = [
      switchComposeImageCommand(this.analyses),
      switchAllComposeImagesCommand(this.analyses, log),
      addComposeImageCommand(this.analyses),
      chooseImageActionCommand(),
      buildImageOnEveryNodeCommand(this.analyses, this.presence, log),
      distributeImageCommand(this.analyses, this.presence, log),
      pushImageToRegistryCommand(this.analyses, this.presence, log),
    ];
    this.register();
    this._register(
      refresh().onSettings(['composeFiles'], () => {
        this.register();
      }),
    );
    this._register({
      dispose: () => {
        this.registrations.forEach((r) => void r.dispose());
      },
    });
  }

  private register(): void {
    this.registrations.forEach((r) => void r.dispose());
    const selector = composeSelector();
    this.registrations = [
      vscode.languages.registerCodeLensProvider(selector, this.lenses),
      vscode.languages.registerHoverProvider(selector, this.hovers),
    ];
  }
}
