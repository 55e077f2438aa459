/**
 * Cuts a stream of text, arriving in chunks of any size, into whole lines:
 * the one splitter behind service logs, step output and Docker's event
 * stream. A line ends at `\n`; the `\r` of a `\r\n` is dropped. The last,
 * unfinished line waits for more text, or for `end()`.
 */
export class LineBuffer {
  private rest = '';

  /** The lines this chunk completes, without their line endings. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The last line, when the stream did not end with a newline (kept as it came). */
  end(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
