import * as vscode from 'vscode';
import type { SwarmLabApi, SwarmLabEntry } from '../../../src/extension';

export const EXTENSION_ID = 'swarm-lab.swarm-lab';

/** Activates Swarm Lab and loads its features (the activation entry loads them on first use). */
export async function activateSwarmLab(): Promise<SwarmLabApi> {
  const ext = vscode.extensions.getExtension<SwarmLabEntry>(EXTENSION_ID);
  if (!ext) {
    throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  }
  return (await ext.activate()).features();
}

/** Resolves once `check` holds, re-checking on each event of `event`. */
export function waitForEvent<T>(
  event: vscode.Event<unknown>,
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const now = check();
  if (now !== undefined) {
    return Promise.resolve(now);
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event(() => {
      const value = check();
      if (value !== undefined) {
        clearTimeout(timer);
        sub.dispose();
        resolve(value);
      }
    });
  });
}
