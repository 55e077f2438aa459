import * as vscode from 'vscode';

/**
 * Stands in for a view's real TreeDataProvider until the extension's
 * features are loaded: VS Code gets a provider at activation, and the
 * first time it asks for the tree (the view is shown), the features load
 * and every question goes to the real provider from then on.
 */
export class LazyTreeDataProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private real: vscode.TreeDataProvider<T> | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  private relay: vscode.Disposable | undefined;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly load: () => Promise<vscode.TreeDataProvider<T>>) {}

  /** The real provider takes over; the view asks again for what it shows. */
  adopt(real: vscode.TreeDataProvider<T>): void {
    if (this.real) {
      return;
    }
    this.real = real;
    this.relay = real.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire();
  }

  async getChildren(element?: T): Promise<T[] | undefined> {
    const real = this.real ?? (await this.load());
    return (await real.getChildren(element)) ?? undefined;
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    // Elements only exist once getChildren has loaded the real provider.
    return this.required().getTreeItem(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.required().getParent?.(element);
  }

  resolveTreeItem(
    item: vscode.TreeItem,
    element: T,
    token: vscode.CancellationToken,
  ): vscode.ProviderResult<vscode.TreeItem> {
    const real = this.required();
    return real.resolveTreeItem ? real.resolveTreeItem(item, element, token) : item;
  }

  dispose(): void {
    this.relay?.dispose();
    this.changed.dispose();
  }

  private required(): vscode.TreeDataProvider<T> {
    if (!this.real) {
      throw new Error('tree element asked for before its provider was loaded');
    }
    return this.real;
  }
}
