export interface IDisposable {
  dispose(): unknown;
}

/**
 * Base for everything that owns resources: register them as they are made,
 * and one dispose() releases them all, last made first.
 */
export abstract class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposed = false;

  protected _register<T extends IDisposable>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.owned.push(d);
    }
    return d;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    for (const d of this.owned.splice(0).reverse()) {
      d.dispose();
    }
  }
}
