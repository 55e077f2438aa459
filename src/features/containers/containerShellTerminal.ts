import * as vscode from 'vscode';
import { ExecSession, startExecShell } from '../../clients/docker/containerExec';
import type { DockerEngine } from '../../clients/docker/dockerEngine';
import { ContainerSummary } from '../../core/containers/containerSummary';
import { Utf8Chunks } from '../../core/text/utf8Chunks';

/**
 * A shell in a container, as an integrated terminal: keystrokes go to the
 * exec'd process, its TTY output comes back unchanged, and the terminal's
 * size follows the panel (resize through the API).
 */
export class ContainerShellTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private session: ExecSession | undefined;
  private closed = false;

  constructor(
    private readonly engine: DockerEngine,
    private readonly container: ContainerSummary,
  ) {}

  open(initial: vscode.TerminalDimensions | undefined): void {
    const size = { columns: initial?.columns ?? 80, rows: initial?.rows ?? 24 };
    startExecShell(this.engine, this.container.id, size).then(
      (session) => {
        this.session = session;
        if (this.closed) {
          session.stream.destroy();
          return;
        }
        const chunks = new Utf8Chunks();
        session.stream.on('data', (d: Buffer) => this.writeEmitter.fire(chunks.push(d)));
        session.stream.on('close', () => void this.finish());
        session.stream.on('error', () => void this.finish());
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.writeEmitter.fire(
          `\x1b[31m${vscode.l10n.t('Cannot open a shell in {0}: {1}', this.container.name, message)}\x1b[0m\r\n`,
        );
        this.closeEmitter.fire(1);
      },
    );
  }

  handleInput(data: string): void {
    this.session?.stream.write(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    void this.session?.resize(d.columns, d.rows).catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.session?.stream.destroy();
  }

  private async finish(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const code = await this.session?.exitCode().catch(() => undefined);
    this.closeEmitter.fire(code ?? 0);
  }
}
