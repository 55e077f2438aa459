/**
 * Splits a byte stream of newline-delimited JSON (Docker's event stream) into
 * objects. Chunks may cut a message anywhere, including inside a UTF-8
 * sequence, so bytes are buffered until a full line arrives.
 */
export class JsonLineSplitter<T = unknown> {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly onInvalid: (line: string, error: unknown) => void = () => undefined) {}

  push(chunk: Uint8Array | string): T[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: T[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).trim();
      this.pending = this.pending.slice(nl + 1);
      if (line) {
        this.parse(line, out);
      }
    }
    return out;
  }

  /** Flushes a last message that had no trailing newline. */
  end(): T[] {
    const line = (this.pending + this.decoder.decode()).trim();
    this.pending = '';
    const out: T[] = [];
    if (line) {
      this.parse(line, out);
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
