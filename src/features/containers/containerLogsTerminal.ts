import { Writable } from 'node:stream';
import * as vscode from 'vscode';
import { DockerEngine } from '../../clients/docker/dockerEngine';
import { describeDockerError } from '../../clients/docker/dockerErrors';
import { ContainerSummary } from '../../core/containers/containerSummary';
import { Utf8Chunks } from '../../core/text/utf8Chunks';
import { FollowingTerminal, streamEnded } from '../../editor/followingTerminal';

/** Terminal text wants CRLF; Docker's logs carry LF. */
function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * A terminal that follows one container's logs, streamed from the engine
 * (stderr in red). Closing the terminal closes the stream.
 */
export class ContainerLogsTerminal extends FollowingTerminal {
  constructor(
    private readonly engine: DockerEngine,
    private readonly container: ContainerSummary,
  ) {
    super();
  }

  protected async follow(signal: AbortSignal): Promise<void> {
    try {
      const { stream, tty } = await this.engine.containerLogs(this.container.id, { follow: true, tail: 1000 }, signal);
      if (tty) {
        const chunks = new Utf8Chunks();
        stream.on('data', (d: Buffer) => this.write(toTerminalText(chunks.push(d))));
      } else {
        const sink = (color?: string): Writable => {
          const chunks = new Utf8Chunks();
          return new Writable({
            write: (chunk: Buffer, _enc, cb) => {
              const text = toTerminalText(chunks.push(chunk));
              if (text !== '') {
                this.write(color ? `${color}${text}\x1b[0m` : text);
              }
              cb();
            },
          });
        };
        await this.engine.demux(stream, sink(), sink('\x1b[31m'));
      }
      await streamEnded(stream);
      this.writeEnded(this.container.name);
    } catch (error) {
      this.writeError(describeDockerError(error, this.engine.endpoint, vscode.l10n));
    }
  }
}
