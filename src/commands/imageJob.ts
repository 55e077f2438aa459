import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { contextFiles, DockerImageNode } from '../clients/images/dockerImageNode';
import { BuildRequest, describeOutcome, NodeOutcome } from '../clients/images/imageDistribution';
import { composeBuild } from '../core/compose/composeBuilds';
import { ComposeService } from '../core/compose/composeImages';
import { notifyError, notifyInfo, notifyWarning } from '../editor/notify';
import { ComposeAnalyses } from '../lenses/composeAnalyses';
import { ComposeTarget, openCompose, pickService } from '../lenses/composeTarget';
import { ImagePresenceService } from '../services/imagePresenceService';
import { requireTrust } from '../editor/trust';

/** A service's image to build, distribute or push: what the three image commands share. */
export interface ImageJob {
  readonly target: ComposeTarget;
  readonly service: ComposeService;
  /** The image as the compose file names it. */
  readonly reference: string;
  readonly request: BuildRequest;
}

export async function resolveImageJob(
  uri: unknown,
  serviceName: unknown,
  analyses: ComposeAnalyses,
): Promise<ImageJob | undefined> {
  const target = await openCompose(uri, analyses);
  if (!target) {
    return undefined;
  }
  const service = await pickService(
    target,
    serviceName,
    (s) => s.build && s.image?.reference !== undefined,
    vscode.l10n.t('The service whose image to build'),
  );
  if (!service) {
    return undefined;
  }
  const fail = (message: string): undefined => {
    void notifyError(message);
    return undefined;
  };
  if (!service.image) {
    return fail(vscode.l10n.t('{0} has no image: name: add one first (the lens above it does).', service.name));
  }
  const ref = service.image.reference;
  if (!ref) {
    return fail(service.reason ?? vscode.l10n.t('The image of {0} is not a valid reference.', service.name));
  }
  if (ref.digest !== undefined) {
    return fail(vscode.l10n.t('{0} is pinned by a digest: a build cannot produce it.', service.image.value));
  }
  const build = await composeBuild(target.document.getText(), service.name, vscode.l10n);
  if (!build.ok) {
    return fail(build.message);
  }
  const contextDir = path.resolve(path.dirname(target.document.uri.fsPath), build.build.context);
  if (!fs.existsSync(contextDir) || !fs.statSync(contextDir).isDirectory()) {
    return fail(vscode.l10n.t('The build context {0} of {1} is not a folder.', contextDir, service.name));
  }
  return {
    target,
    service,
    reference: service.image.value,
    request: {
      contextDir,
      files: contextFiles(contextDir),
      ...(build.build.dockerfile !== undefined ? { dockerfile: build.build.dockerfile } : {}),
      args: build.build.args,
      ...(build.build.target !== undefined ? { target: build.build.target } : {}),
      tag: service.image.value,
    },
  };
}

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

/**
 * What building on the machines starts with: a trusted workspace, the
 * service's image to build, and the connected machines; undefined (the user
 * told why) when any is missing.
 */
export async function buildJobOnMachines(
  refusedAction: string,
  uri: unknown,
  serviceName: unknown,
  analyses: ComposeAnalyses,
  presence: ImagePresenceService,
): Promise<{ job: ImageJob; nodes: DockerImageNode[]; unreachable: string[] } | undefined> {
  if (!requireTrust('remote-commands', refusedAction)) {
    return undefined;
  }
  const job = await resolveImageJob(uri, serviceName, analyses);
  if (!job) {
    return undefined;
  }
  const connected = await machineNodes(presence);
  return connected && { job, ...connected };
}
