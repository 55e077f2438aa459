/** The part of tar-stream 2 (a dependency of dockerode's tar-fs) that Swarm Lab uses. */
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface Headers {
    name: string;
    size?: number;
    /** `file`, `directory`, `symlink`, `link`… */
    type?: string | null;
    mode?: number;
    mtime?: Date;
    linkname?: string | null;
  }

  export interface Extract extends Writable {
    on(event: 'entry', listener: (header: Headers, stream: Readable, next: (error?: unknown) => void) => void): this;
    on(event: 'finish' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: string, listener: (...args: never[]) => void): this;
    destroy(error?: Error): this;
  }

  export interface Pack extends Readable {
    entry(header: Headers, content?: string | Buffer, callback?: (error?: Error | null) => void): Writable;
    finalize(): void;
  }

  export function extract(): Extract;
  export function pack(): Pack;
}
