import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { LiveModel } from '../../model';
import { loadImagesFromArchivesCommand } from './commands/loadImagesFromArchives';

export interface ImagesFeature {
  readonly commands: readonly Command[];
}

/** Images on the machines: loading image archives onto every machine (presence is the model's). */
export function register(
  _context: vscode.ExtensionContext,
  { log, model }: { readonly log: vscode.LogOutputChannel; readonly model: LiveModel },
): ImagesFeature {
  return { commands: [loadImagesFromArchivesCommand(model.presence, log)] };
}
