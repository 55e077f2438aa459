import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { ImagePresenceService } from '../images';
import { ComposeLenses } from './composeLenses';

export type { ComposeLenses } from './composeLenses';

export interface ComposeDeps {
  readonly log: vscode.LogOutputChannel;
  readonly presence: ImagePresenceService;
}

export interface ComposeFeature {
  readonly compose: ComposeLenses;
  readonly commands: readonly Command[];
}

/** Compose files: one analysis per version, lenses, hovers, diagnostics, and the image commands behind the lenses. */
export function register(context: vscode.ExtensionContext, { log, presence }: ComposeDeps): ComposeFeature {
  const compose = new ComposeLenses(presence, log);
  context.subscriptions.push(compose);
  return { compose, commands: compose.commands };
}
