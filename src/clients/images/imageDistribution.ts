/**
 * Getting an image onto every node: build it on each, or build it once and
 * stream it to the others (`docker save` → `docker load` through the API,
 * one read shared by all targets, nothing written on this computer), or push
 * it to the lab registry. Written against ImageNode so that the fan-out,
 * the skipping of nodes that already hold the same image ID, the shared
 * stream and cancellation are tested with fakes; DockerImageNode is the real
 * thing over each machine's SSH connection.
 */
import { PassThrough, Readable } from 'node:stream';
import { shortImageId } from '../../core/images/imagePresence';
import { english, Localizer } from '../../core/l10n';
import { teeStream } from './streamTee';

export interface BuildRequest {
  /** The context folder on this computer. */
  readonly contextDir: string;
  /** Files of the context, relative to it (.dockerignore is applied by the node adapter). */
  readonly files: readonly string[];
  readonly dockerfile?: string;
  readonly args?: Readonly<Record<string, string>>;
  readonly target?: string;
  /** The tag to give the result, e.g. `python-app:latest`. */
  readonly tag: string;
}

/** What distribution needs of one node's engine. */
export interface ImageNode {
  readonly name: string;
  /** The ID of the image `reference` names on this node, undefined when it has none. */
  imageId(reference: string): Promise<string | undefined>;
  /** `GET /images/{reference}/get`: a tar stream of the image. */
  save(reference: string, signal: AbortSignal): Promise<Readable>;
  /** `POST /images/load` of a tar stream; resolves once the engine has loaded it. */
  load(tar: Readable, signal: AbortSignal): Promise<void>;
  /** Builds and tags; resolves with the new image ID. */
  build(request: BuildRequest, signal: AbortSignal, log: (line: string) => void): Promise<string>;
  tag(reference: string, as: string): Promise<void>;
  push(reference: string, signal: AbortSignal, log: (line: string) => void): Promise<void>;
}

export type NodeOutcome =
  | {
      readonly node: string;
      readonly kind: 'built' | 'loaded' | 'skipped' | 'pushed';
      readonly id: string;
      readonly ms: number;
    }
  | { readonly node: string; readonly kind: 'failed'; readonly error: string; readonly ms: number }
  | { readonly node: string; readonly kind: 'cancelled'; readonly ms: number };

/** What a node's work gives when it succeeds; failures are thrown. */
export interface NodeSuccess {
  readonly kind: 'built' | 'loaded' | 'skipped' | 'pushed';
  readonly id: string;
}

export interface OperationOptions {
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** Each node's outcome as soon as it is known. */
  readonly onNode?: (outcome: NodeOutcome) => void;
  /** Bytes read from the source image so far (distribution only). */
  readonly onBytes?: (bytes: number) => void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === 'AbortError');
}

/** Runs `work` on every node at once; one node's failure never stops the others. */
export async function fanOut<T extends ImageNode>(
  nodes: readonly T[],
  work: (node: T, signal: AbortSignal) => Promise<NodeSuccess>,
  options: OperationOptions = {},
): Promise<NodeOutcome[]> {
  const signal = options.signal ?? new AbortController().signal;
  return Promise.all(
    nodes.map(async (node): Promise<NodeOutcome> => {
      const t0 = Date.now();
      let outcome: NodeOutcome;
      try {
        const { kind, id } = await work(node, signal);
        outcome = { node: node.name, kind, id, ms: Date.now() - t0 };
      } catch (error) {
        outcome = isAbort(error, signal)
          ? { node: node.name, kind: 'cancelled', ms: Date.now() - t0 }
          : { node: node.name, kind: 'failed', error: message(error), ms: Date.now() - t0 };
      }
      options.log?.(describeOutcome(outcome));
      options.onNode?.(outcome);
      return outcome;
    }),
  );
}

export function describeOutcome(o: NodeOutcome, l10n: Localizer = english): string {
  const seconds = (o.ms / 1000).toFixed(1);
  switch (o.kind) {
    case 'failed':
      return l10n.t('{0}: failed after {1} s: {2}', o.node, seconds, o.error);
    case 'cancelled':
      return l10n.t('{0}: cancelled', o.node);
    case 'built':
      return l10n.t('{0}: built {1} in {2} s', o.node, shortImageId(o.id), seconds);
    case 'loaded':
      return l10n.t('{0}: loaded {1} in {2} s', o.node, shortImageId(o.id), seconds);
    case 'skipped':
      return l10n.t('{0}: already holds {1}', o.node, shortImageId(o.id));
    case 'pushed':
      return l10n.t('{0}: pushed {1} in {2} s', o.node, shortImageId(o.id), seconds);
  }
}

/** The seed's way: the same context built on every node at once. */
export function buildOnEach(
  nodes: readonly ImageNode[],
  request: BuildRequest,
  options: OperationOptions = {},
): Promise<NodeOutcome[]> {
  const log = options.log ?? (() => undefined);
  return fanOut(
    nodes,
    async (node, signal) => ({
      kind: 'built' as const,
      id: await node.build(request, signal, (line) => log(`${node.name}: ${line}`)),
    }),
    options,
  );
}

/**
 * Streams `reference` from `source` to every target that lacks that image
 * ID: one `save` on the source, its bytes shared by one `load` per target
 * (all in parallel, at the pace of the slowest). Each loaded node is checked
 * to hold the source's ID afterwards.
 */
export async function distributeImage(
  source: ImageNode,
  targets: readonly ImageNode[],
  reference: string,
  options: OperationOptions = {},
): Promise<NodeOutcome[]> {
  const signal = options.signal ?? new AbortController().signal;
  const id = await source.imageId(reference);
  if (id === undefined) {
    throw new Error(`${source.name} has no image ${reference} to distribute`);
  }
  const t0 = Date.now();
  const held = await Promise.all(targets.map((t) => t.imageId(reference).catch(() => undefined)));
  const skipped: NodeOutcome[] = [];
  const needing: ImageNode[] = [];
  targets.forEach((t, i) => {
    if (held[i] === id) {
      skipped.push({ node: t.name, kind: 'skipped', id, ms: Date.now() - t0 });
    } else {
      needing.push(t);
    }
  });
  for (const s of skipped) {
    options.log?.(describeOutcome(s));
    options.onNode?.(s);
  }
  if (needing.length === 0 || signal.aborted) {
    return [...skipped, ...needing.map((t): NodeOutcome => ({ node: t.name, kind: 'cancelled', ms: 0 }))];
  }
  // One pipe per target: what the tee writes, the load request reads.
  const pipes = needing.map(() => new PassThrough({ highWaterMark: 1 << 20 }));
  // Each load's failure is its outcome; the pipe's own error event must not go unhandled.
  pipes.forEach((p) => p.on('error', () => undefined));
  const tar = await source.save(reference, signal);
  const feeding = teeStream(tar, pipes, { signal, ...(options.onBytes ? { onBytes: options.onBytes } : {}) });
  // A feed that fails has already destroyed the pipes, so every load settles.
  feeding.catch(() => undefined);
  const loaded = await fanOut(
    needing,
    async (node, s) => {
      const i = needing.indexOf(node);
      try {
        await node.load(pipes[i], s);
      } catch (error) {
        // The tee must stop writing to a node whose engine gave up.
        pipes[i].destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      const after = await node.imageId(reference);
      if (after !== id) {
        throw new Error(`loaded, but ${reference} is ${after ?? 'missing'} there, not ${id}`);
      }
      return { kind: 'loaded' as const, id };
    },
    options,
  );
  await feeding.catch((error: unknown) => {
    if (!signal.aborted) {
      options.log?.(`reading ${reference} from ${source.name} failed: ${message(error)}`);
    }
  });
  return [...skipped, ...loaded];
}

/** Build once on `nodes[0]`, then distribute to the others. */
export async function buildAndDistribute(
  nodes: readonly ImageNode[],
  request: BuildRequest,
  options: OperationOptions = {},
): Promise<NodeOutcome[]> {
  const [first, ...others] = nodes;
  if (!first) {
    return [];
  }
  const [built] = await buildOnEach([first], request, options);
  if (built.kind !== 'built') {
    return [built, ...others.map((n): NodeOutcome => ({ node: n.name, kind: 'cancelled', ms: 0 }))];
  }
  return [built, ...(await distributeImage(first, others, request.tag, options))];
}

/**
 * Tags `reference` as `registryReference` on `node` and pushes it (the
 * registry is the lab's: plain HTTP, allowed by the nodes' daemon.json).
 */
export async function pushImage(
  node: ImageNode,
  reference: string,
  registryReference: string,
  options: OperationOptions = {},
): Promise<NodeOutcome> {
  const [outcome] = await fanOut(
    [node],
    async (n, signal) => {
      const id = await n.imageId(reference);
      if (id === undefined) {
        throw new Error(`${n.name} has no image ${reference}`);
      }
      if (registryReference !== reference) {
        await n.tag(reference, registryReference);
      }
      await n.push(registryReference, signal, (line) => options.log?.(`${n.name}: ${line}`));
      return { kind: 'pushed' as const, id };
    },
    options,
  );
  return outcome;
}
