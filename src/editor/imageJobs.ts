import * as vscode from 'vscode';
import { DockerImageNode } from '../clients/images/dockerImageNode';
import { describeOutcome, NodeOutcome } from '../clients/images/imageDistribution';
import { notifyError, notifyInfo, notifyWarning } from './notify';
import { ImagePresenceService } from '../model/images/imagePresenceService';

/*
 * What every image job on the machines shares (building, distributing,
 * pushing, loading archives): the connected engines, a cancellable
 * progress, and one sentence for the outcome with one log line per node.
 */

/**
 * The machines' engines, in the machines' order; those that cannot be reached
 * are named. None connected: the user is told, and undefined is returned.
 */
export async function machineNodes(
  presence: ImagePresenceService,
): Promise<{ nodes: DockerImageNode[]; unreachable: string[] } | undefined> {
  const hosts = await presence.machineHostsRead();
  const nodes: DockerImageNode[] = [];
  const unreachable: string[] = [];
  await Promise.all(
    hosts.map(async (h, i) => {
      try {
        nodes[i] = new DockerImageNode(h.label, await h.engine());
      } catch {
        unreachable.push(h.label);
      }
    }),
  );
  const connected = nodes.filter((n) => n !== undefined);
  if (connected.length === 0) {
    void notifyError(vscode.l10n.t('No machine is connected: start the lab or open the Machines view.'));
    return undefined;
  }
  return { nodes: connected, unreachable };
}

export type ImageProgress = vscode.Progress<{ message?: string; increment?: number }>;

/** A machine-changing image operation in a cancellable notification, its steps in the log. */
export function withImageProgress<T>(
  title: string,
  work: (progress: ImageProgress, signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await work(progress, abort.signal);
      } finally {
        sub.dispose();
      }
    },
  );
}

/** One line per node in the log, one sentence for the user. */
export function reportOutcomes(
  what: string,
  outcomes: readonly NodeOutcome[],
  unreachable: readonly string[],
  log: vscode.LogOutputChannel,
): void {
  for (const o of outcomes) {
    if (o.kind === 'failed') {
      log.warn(`${what}: ${describeOutcome(o)}`);
    } else {
      log.info(`${what}: ${describeOutcome(o)}`);
    }
  }
  const failed = [...outcomes.filter((o) => o.kind === 'failed').map((o) => o.node), ...unreachable];
  const cancelled = outcomes.filter((o) => o.kind === 'cancelled').length;
  const done = outcomes.filter((o) => o.kind !== 'failed' && o.kind !== 'cancelled').length;
  if (failed.length > 0) {
    // Each node's outcome is in the log (above): the sentence only names the nodes.
    void notifyError(vscode.l10n.t('{0}: failed on {1} (see the log).', what, failed.join(', ')), {
      log,
      logged: true,
      offerLog: true,
    });
  } else if (cancelled > 0) {
    void notifyWarning(vscode.l10n.t('{0}: cancelled ({1} nodes done).', what, done), { log, logged: true });
  } else {
    void notifyInfo(vscode.l10n.t('{0}: done on {1} nodes.', what, done), { log, logged: true });
  }
}

/** `core-02 loaded (2/3)`: each node's end moves the bar by its share. */
export function nodeProgress(progress: ImageProgress, total: number): (o: NodeOutcome) => void {
  let done = 0;
  return (o) => {
    done++;
    progress.report({
      message: `${describeOutcome(o, vscode.l10n)} (${done}/${total})`,
      increment: 100 / Math.max(1, total),
    });
  };
}
