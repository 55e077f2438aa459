/**
 * The lab panel's answer writes, one at a time and in order (each is
 * computed against the report as the previous one left it). A write that
 * fails is reported once, through `onFailure`, and the writes after it run
 * as if it had not been there: a chain of `then`s without a rejection
 * handler would instead skip every later write, silently, until the panel
 * is reopened, and the answers typed meanwhile would be lost.
 */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onFailure: (error: unknown) => void) {}

  /** Runs `write` after the writes queued before it; resolves when it is over, failed or not. */
  run(write: () => Promise<void>): Promise<void> {
    const done = this.tail.then(write).catch((error: unknown) => {
      try {
        this.onFailure(error);
      } catch {
        // Reporting must not stop the queue either.
      }
    });
    this.tail = done;
    return done;
  }

  /** Resolves once every write queued so far is over. */
  idle(): Promise<void> {
    return this.tail;
  }
}
