import { StringDecoder } from 'node:string_decoder';

/**
 * A stream's bytes as text, chunk after chunk: a character whose bytes are
 * split across two chunks (`é`, `€`, an emoji, box drawing from `htop`) is
 * held until its last byte arrives, instead of each half turning into `�`
 * as `chunk.toString()` does. One per stream (stdout and stderr apart).
 */
export class Utf8Chunks {
  private readonly decoder = new StringDecoder('utf8');

  push(chunk: Buffer | string): string {
    return typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
  }

  /** What is left at the end of the stream (an incomplete character, as `�`). */
  end(): string {
    return this.decoder.end();
  }
}
