import * as vscode from 'vscode';
import { Writable } from 'node:stream';
import { DockerEngine } from '../clients/docker/dockerEngine';
import { describeDockerError } from '../clients/docker/dockerErrors';
import { ContainerSummary } from '../core/containers/containerSummary';

/** Terminal text wants CRLF; Docker's logs carry LF. */
function toTerminalText(chunk: Buffer | string): string {
  return chunk.toString().replace(/\r?\n/g, '\r\n');
}

/**
 * A terminal that follows one container's logs, streamed from the engine
 * (stderr in red). Closing the terminal closes the stream.
 */
export class ContainerLogsTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();
  private ended = false;

  constructor(
    private readonly engine: DockerEngine,
    private readonly container: ContainerSummary,
  ) {}

  open(): void {
    void this.follow();
  }

  close(): void {
    this.abort.abort();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(): void {
    // Once the stream is over, any key closes the terminal, as VS Code's tasks do.
    if (this.ended) {
      this.closeEmitter.fire(0);
    }
  }

  private async follow(): Promise<void> {
    const write = (text: string): void => this.writeEmitter.fire(text);
    try {
      const { stream, tty } = await this.engine.containerLogs(
        this.container.id,
        { follow: true, tail: 1000 },
        this.abort.signal,
      );
      if (tty) {
        stream.on('data', (d: Buffer) => write(toTerminalText(d)));
      } else {
        const sink = (color?: string): Writable =>
          new Writable({
            write(chunk: Buffer, _enc, cb) {
              const text = toTerminalText(chunk);
              write(color ? `${color}${text}\x1b[0m` : text);
              cb();
            },
          });
        await this.engine.demux(stream, sink(), sink('\x1b[31m'));
      }
      await new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', resolve);
      });
      if (!this.abort.signal.aborted) {
        write(
          `\r\n\x1b[2m${vscode.l10n.t('The log stream of {0} ended. Press any key to close.', this.container.name)}\x1b[0m\r\n`,
        );
      }
    } catch (error) {
      if (!this.abort.signal.aborted) {
        write(`\x1b[31m${describeDockerError(error, this.engine.endpoint, vscode.l10n)}\x1b[0m\r\n`);
      }
    }
    this.ended = true;
  }
}
