import * as vscode from 'vscode';

/**
 * A read-only terminal that follows a stream (logs): it writes what comes,
 * stops the stream when the terminal is closed, and once the stream is over
 * closes on any key, as VS Code's task terminals do. Subclasses provide
 * `follow(signal)`.
 */
export abstract class FollowingTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();
  private ended = false;

  open(): void {
    void this.follow(this.abort.signal).finally(() => (this.ended = true));
  }

  close(): void {
    this.abort.abort();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(): void {
    if (this.ended) {
      this.closeEmitter.fire(0);
    }
  }

  protected abstract follow(signal: AbortSignal): Promise<void>;

  protected write(text: string): void {
    this.writeEmitter.fire(text);
  }

  /** The dimmed last line once the stream ended by itself (not when the user closed the terminal). */
  protected writeEnded(what: string): void {
    if (!this.abort.signal.aborted) {
      this.write(
        `\r\n\x1b[2m${vscode.l10n.t('The log stream of {0} ended. Press any key to close.', what)}\x1b[0m\r\n`,
      );
    }
  }

  protected writeError(message: string): void {
    if (!this.abort.signal.aborted) {
      this.write(`\x1b[31m${message}\x1b[0m\r\n`);
    }
  }
}

/** One terminal per name: showing the same logs again focuses the open one. */
export function showTerminal(name: string, create: () => vscode.Pseudoterminal, icon = 'output'): vscode.Terminal {
  const existing = vscode.window.terminals.find((t) => t.name === name);
  if (existing) {
    existing.show();
    return existing;
  }
  const terminal = vscode.window.createTerminal({ name, pty: create(), iconPath: new vscode.ThemeIcon(icon) });
  terminal.show();
  return terminal;
}

/** Resolves when a stream is over, whichever way. */
export function streamEnded(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}
