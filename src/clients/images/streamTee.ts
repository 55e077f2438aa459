import type { Readable, Writable } from 'node:stream';

export interface TeeResult {
  /** Bytes read from the source (each sink that kept up got all of them). */
  readonly bytes: number;
  /** Per sink, in the order given: undefined when it got the whole stream, else why it was dropped. */
  readonly errors: readonly (Error | undefined)[];
}

const ignore = (): void => undefined;

export interface TeeOptions {
  readonly signal?: AbortSignal;
  /** Called with the running byte count after each chunk. */
  readonly onBytes?: (bytes: number) => void;
}

/**
 * Copies one stream into several writables at the pace of the slowest: the
 * source pauses while any sink's buffer is full and resumes once all have
 * drained, so memory stays bounded by the sinks' high-water marks whatever
 * the image size. A sink that fails is dropped and the others go on (one
 * node refusing an image must not stop the rest); when all have failed the
 * source is destroyed. Abort destroys everything.
 *
 * Resolves once the source has ended and every remaining sink has been
 * ended (their own completion, e.g. the engine's answer to a load, is the
 * caller's to await); rejects when the source fails or on abort.
 */
export function teeStream(source: Readable, sinks: readonly Writable[], options: TeeOptions = {}): Promise<TeeResult> {
  const { signal, onBytes } = options;
  const errors: (Error | undefined)[] = sinks.map(() => undefined);
  const live = new Set<number>(sinks.map((_, i) => i));
  const waiting = new Set<number>();
  let bytes = 0;

  return new Promise<TeeResult>((resolve, reject) => {
    let settled = false;
    const cleanups: (() => void)[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const on = (emitter: NodeJS.EventEmitter, event: string, fn: (...a: any[]) => void): void => {
      emitter.on(event, fn);
      cleanups.push(() => emitter.off(event, fn));
    };
    const settle = (error?: Error): void => {
      if (settled) {
        return;
      }
      settled = true;
      cleanups.forEach((c) => c());
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        reject(error);
      } else {
        resolve({ bytes, errors });
      }
    };
    const resumeIfFree = (): void => {
      if (waiting.size === 0 && source.isPaused()) {
        source.resume();
      }
    };
    const drop = (i: number, error: Error): void => {
      if (!live.has(i)) {
        return;
      }
      live.delete(i);
      waiting.delete(i);
      errors[i] = error;
      if (live.size === 0) {
        source.destroy();
        settle();
        return;
      }
      resumeIfFree();
    };
    const onAbort = (): void => {
      const error = Object.assign(new Error('cancelled'), { name: 'AbortError' });
      source.destroy();
      for (const i of live) {
        sinks[i].destroy(error);
        errors[i] = error;
      }
      live.clear();
      settle(error);
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    sinks.forEach((sink, i) => {
      // Kept after the tee ends: a sink destroyed later (by the tee or its
      // consumer) must not raise an unhandled 'error' in the extension host.
      sink.on('error', ignore);
      on(sink, 'error', (error: Error) => drop(i, error));
      on(sink, 'drain', () => {
        waiting.delete(i);
        resumeIfFree();
      });
      // A sink closed before it was ended (its request failed without an error event).
      on(sink, 'close', () => {
        if (!sink.writableFinished && !sink.writableEnded) {
          drop(i, new Error('the receiving end closed early'));
        }
      });
    });
    on(source, 'data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const i of live) {
        if (!sinks[i].write(chunk)) {
          waiting.add(i);
        }
      }
      onBytes?.(bytes);
      if (waiting.size > 0) {
        source.pause();
      }
    });
    on(source, 'end', () => {
      for (const i of live) {
        sinks[i].end();
      }
      settle();
    });
    on(source, 'error', (error: Error) => {
      for (const i of live) {
        sinks[i].destroy(error);
        errors[i] = error;
      }
      live.clear();
      settle(error);
    });
    on(source, 'close', () => {
      if (!source.readableEnded && !settled && live.size > 0) {
        const error = new Error('the image stream closed before its end');
        for (const i of live) {
          sinks[i].destroy(error);
          errors[i] = error;
        }
        settle(error);
      }
    });
    if (sinks.length === 0) {
      source.destroy();
      settle();
    }
  });
}
