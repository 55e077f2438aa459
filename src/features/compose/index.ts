import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { LiveModel } from '../../model';
import { ComposeLenses } from './composeLenses';

export interface ComposeFeature {
  readonly compose: ComposeLenses;
  readonly commands: readonly Command[];
}

/** Compose files: one analysis per version, lenses, hovers, diagnostics, and the image commands behind the lenses. */
export function register(
  context: vscode.ExtensionContext,
  { log, model }: { readonly log: vscode.LogOutputChannel; readonly model: LiveModel },
): ComposeFeature {
  const compose = new ComposeLenses(model.presence, log);
  context.subscriptions.push(compose);
  return { compose, commands: compose.commands };
}
