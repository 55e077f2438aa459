import * as vscode from 'vscode';
import { notifyError } from './notify';

/** One palette or menu command; each lives in its own file. */
export interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

/**
 * Runs a command through one wrapper: a failure is logged with its stack
 * and shown once to the user, instead of vanishing in the extension host.
 */
export async function runCommand(
  command: Command,
  args: readonly unknown[],
  log: vscode.LogOutputChannel,
): Promise<unknown> {
  try {
    return await command.execute(...args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`${command.id} failed`, error);
    void notifyError(message, { log, logged: true, offerLog: true });
    return undefined;
  }
}
