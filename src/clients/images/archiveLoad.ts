/**
 * One `docker save` archive into every node at once: the file is read once
 * and its bytes shared by one `docker load` per node that needs it (the
 * same tee as distribution), each over the node's own connection. Nodes
 * that already hold every image of it with the same ID are skipped; one
 * node's failure never stops the others; abort closes every stream.
 */
import * as fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { ArchiveContents, planArchive } from '../../core/images/imageArchives';
import type { EngineImage } from '../../core/images/imagePresence';
import { describeOutcome, ImageNode, NodeOutcome, OperationOptions } from './imageDistribution';
import { teeStream } from './streamTee';

/** What loading an archive needs of a node's engine. */
export interface ArchiveNode extends Pick<ImageNode, 'name' | 'load'> {
  listImages(): Promise<EngineImage[]>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function loadArchive(
  archive: ArchiveContents,
  nodes: readonly ArchiveNode[],
  options: OperationOptions = {},
): Promise<NodeOutcome[]> {
  const signal = options.signal ?? new AbortController().signal;
  const t0 = Date.now();
  const outcomes = new Map<string, NodeOutcome>();
  const settle = (o: NodeOutcome): void => {
    outcomes.set(o.node, o);
    // Each outcome once: to onNode when given (the caller logs it), else to the log.
    if (options.onNode) {
      options.onNode(o);
    } else {
      options.log?.(describeOutcome(o));
    }
  };
  const needing: ArchiveNode[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const plan = planArchive(archive.images, await node.listImages());
        if (plan.kind === 'skip') {
          settle({ node: node.name, kind: 'skipped', id: plan.id, ms: Date.now() - t0 });
        } else {
          options.log?.(`${node.name}: loading ${archive.name} (${plan.why})`);
          needing.push(node);
        }
      } catch (error) {
        settle({
          node: node.name,
          kind: 'failed',
          error: `listing its images: ${message(error)}`,
          ms: Date.now() - t0,
        });
      }
    }),
  );
  const ordered = (): NodeOutcome[] => nodes.map((n) => outcomes.get(n.name)!);
  if (needing.length === 0) {
    return ordered();
  }
  if (signal.aborted) {
    needing.forEach((n) => settle({ node: n.name, kind: 'cancelled', ms: 0 }));
    return ordered();
  }
  const pipes = needing.map(() => new PassThrough({ highWaterMark: 1 << 20 }));
  pipes.forEach((p) => p.on('error', () => undefined));
  const file = fs.createReadStream(archive.path, { highWaterMark: 1 << 20 });
  const feeding = teeStream(file, pipes, { signal, ...(options.onBytes ? { onBytes: options.onBytes } : {}) });
  feeding.catch(() => undefined);
  await Promise.all(
    needing.map(async (node, i) => {
      const start = Date.now();
      try {
        try {
          await node.load(pipes[i], signal);
        } catch (error) {
          // The tee stops writing to a node whose engine gave up.
          pipes[i].destroy(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
        const after = planArchive(archive.images, await node.listImages());
        if (after.kind !== 'skip') {
          throw new Error(`the engine accepted ${archive.name}, but ${after.why}`);
        }
        settle({ node: node.name, kind: 'loaded', id: after.id, ms: Date.now() - start });
      } catch (error) {
        const aborted = signal.aborted || (error instanceof Error && error.name === 'AbortError');
        settle(
          aborted
            ? { node: node.name, kind: 'cancelled', ms: Date.now() - start }
            : { node: node.name, kind: 'failed', error: message(error), ms: Date.now() - start },
        );
      }
    }),
  );
  await feeding.catch((error: unknown) => {
    if (!signal.aborted) {
      options.log?.(`reading ${archive.path} failed: ${message(error)}`);
    }
  });
  return ordered();
}
