import { LineBuffer } from '../text/lineBuffer';

/**
 * Splits a byte stream of newline-delimited JSON (Docker's event stream) into
 * objects. Chunks may cut a message anywhere, including inside a UTF-8
 * sequence, so bytes are buffered until a full line arrives.
 */
export class JsonLineSplitter<T = unknown> {
  private readonly lines = new LineBuffer();
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly onInvalid: (line: string, error: unknown) => void = () => undefined) {}

  push(chunk: Uint8Array | string): T[] {
    return this.parseAll(
      this.lines.push(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })),
    );
  }

  /** Flushes a last message that had no trailing newline. */
  end(): T[] {
    return this.parseAll([...this.lines.push(this.decoder.decode()), ...this.lines.end()]);
  }

  private parseAll(lines: readonly string[]): T[] {
    const out: T[] = [];
    for (const line of lines.map((l) => l.trim())) {
      if (line) {
        this.parse(line, out);
      }
    }
    return out;
  }

  private parse(line: string, out: T[]): void {
    try {
      out.push(JSON.parse(line) as T);
    } catch (error) {
      this.onInvalid(line, error);
    }
  }
}
