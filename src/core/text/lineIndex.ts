/**
 * Offsets to zero-based lines and characters, with the line breaks VS Code
 * counts (`\n`, `\r\n` and a lone `\r`), so positions computed here match the
 * editor's.
 */

export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

export class LineIndex {
  /** Offset where each line starts. */
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) {
        i++;
      }
      if (c === 0x0a || c === 0x0d) {
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): TextPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= clamped) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return { line: low, character: clamped - this.starts[low] };
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Where the line break of `line` begins (the end of the text on the last line). */
  lineContentEnd(line: number): number {
    if (line + 1 >= this.starts.length) {
      return this.text.length;
    }
    const next = this.starts[line + 1];
    return this.text.charCodeAt(next - 2) === 0x0d && this.text.charCodeAt(next - 1) === 0x0a ? next - 2 : next - 1;
  }

  /** The line break ending `line`, or '' on a last line without one. */
  lineBreak(line: number): string {
    return this.text.slice(
      this.lineContentEnd(line),
      line + 1 < this.starts.length ? this.starts[line + 1] : undefined,
    );
  }

  /** The text's first line break, for lines added where none can be copied. */
  get firstLineBreak(): string {
    return this.starts.length > 1 ? this.lineBreak(0) : '\n';
  }
}
