import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string | Buffer;
  /**
   * Decides whether the server's host key (raw SSH wire-format blob) is the
   * one we expect. Never optional: connecting to an unchecked host is not
   * something this extension does.
   */
  readonly verifyHostKey: (key: Buffer) => boolean;
  readonly readyTimeoutMs?: number;
}

export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the caller aborted before the command ended. */
  readonly cancelled: boolean;
}

/** The host key check failed: the connection was refused by us, not by the server. */
export class HostKeyMismatchError extends Error {
  readonly code = 'HOST_KEY_MISMATCH';
}

/**
 * One reusable SSH connection to a machine (ssh2). Commands and forwarded
 * Unix sockets share it, so a Docker request costs no new handshake.
 */
export class SshConnection {
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
  ) {
    client.on('close', () => (this.closed = true));
  }

  static async open(target: SshTarget): Promise<SshConnection> {
    const { Client } = await import('ssh2');
    const client = new Client();
    let rejectedKey = false;
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: target.readyTimeoutMs ?? 10_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const ok = target.verifyHostKey(key);
        rejectedKey = !ok;
        return ok;
      },
    };
    return new Promise<SshConnection>((resolve, reject) => {
      const onError = (err: Error): void => {
        client.removeListener('ready', onReady);
        reject(
          rejectedKey
            ? new HostKeyMismatchError(`The host key of ${target.host}:${target.port} does not match the known key`)
            : err,
        );
      };
      const onReady = (): void => {
        client.removeListener('error', onError);
        // Small interactive requests (HTTP over a channel) must not wait for
        // Nagle's algorithm and a delayed ACK: that alone costs ~40 ms each.
        client.setNoDelay(true);
        resolve(new SshConnection(client, target));
      };
      client.once('ready', onReady);
      client.once('error', onError);
      client.connect(config);
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Runs a command. On abort the remote process is sent SIGTERM and the
   * result comes back at once, marked cancelled, without waiting for
   * descendants that may still hold the channel open.
   */
  exec(command: string, signal?: AbortSignal): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) {
          reject(err);
          return;
        }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let settled = false;
        const settle = (code: number | null, sig: string | undefined, cancelled: boolean): void => {
          if (settled) {
            return;
          }
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve({
            code,
            signal: sig,
            cancelled,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8'),
          });
        };
        const onAbort = (): void => {
          channel.signal('TERM');
          channel.close();
          settle(null, 'TERM', true);
        };
        if (signal?.aborted) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (d: Buffer) => out.push(d));
        channel.stderr.on('data', (d: Buffer) => errOut.push(d));
        channel.on('close', (code: number | null, sig?: string) => settle(code ?? null, sig, false));
      });
    });
  }

  /** A stream to a Unix socket on the remote machine (e.g. Docker's). */
  forwardUnixSocket(socketPath: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
  }

  close(): void {
    this.closed = true;
    this.client.end();
  }
}

/**
 * An HTTP agent whose sockets are forwarded Unix sockets of an SSH
 * connection: give it to dockerode to speak to a remote engine.
 */
export class ForwardedSocketAgent extends http.Agent {
  /** Requests sent through it so far (one socket each): for figures and diagnostics. */
  socketsOpened = 0;

  constructor(
    private readonly connection: SshConnection,
    private readonly socketPath: string,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(
    _options: unknown,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | undefined {
    this.socketsOpened++;
    this.connection.forwardUnixSocket(this.socketPath).then(
      (stream) => callback?.(null, stream),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
