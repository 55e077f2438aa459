/**
 * One pass of a job at a time, and a caller always gets a pass that started
 * after its call: a call while a pass runs asks for one more pass (however
 * many calls came meanwhile) and gets the promise that covers it. So
 * `await refresh()` means "what I changed before calling is read", which a
 * promise of the pass already under way does not promise.
 */
export class RerunningTask {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    /** True once the owner is disposed: no further pass then. */
    private readonly stopped: () => boolean = () => false,
  ) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped());
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
