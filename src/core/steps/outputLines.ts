import { LineBuffer } from '../text/lineBuffer';

/**
 * Cuts a command's output, arriving in chunks of any size, into the lines
 * the log shows. Progress output (docker pull, curl) redraws a line with
 * `\r` and colours it with ANSI escapes: in a log only the last state of the
 * line is worth a line, and escapes would show as garbage.
 */
export class OutputLines {
  private readonly lines = new LineBuffer();

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    this.lines.push(chunk).forEach((line) => this.emit(cleanLine(line)));
  }

  /** The last line, when the output did not end with a newline. */
  end(): void {
    this.lines.end().forEach((line) => this.emit(cleanLine(line)));
  }
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** One display line: no escapes, only what the last carriage return left. */
export function cleanLine(raw: string): string {
  const line = raw.replace(ANSI, '').replace(/\r+$/, '');
  const cr = line.lastIndexOf('\r');
  return cr >= 0 ? line.slice(cr + 1) : line;
}
