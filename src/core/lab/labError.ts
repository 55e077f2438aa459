/**
 * A mistake in a lab file, with the place a teacher has to look at. The
 * message reads `file:line: reason`, the form VS Code's terminals and output
 * channels turn into a link.
 */
export class LabContentError extends Error {
  constructor(
    readonly file: string,
    /** 1-based; 0 when the problem is the file or folder as a whole. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'LabContentError';
  }
}

/** A lab that cannot be shown: every problem found, not only the first. */
export class LabLoadError extends Error {
  constructor(readonly problems: readonly LabContentError[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'LabLoadError';
  }
}
