import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { inspect } from 'node:util';
import type { AnyAuthMethod, Client, ConnectConfig, NextAuthHandler, ParsedKey, SFTPWrapper } from 'ssh2';
import { uploadBySftp } from './sftpUpload';

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The private key, read already. Or loadPrivateKey, or agent, or both. */
  readonly privateKey?: string | Buffer;
  /**
   * Loads the private key only when the server is ready to try it: after
   * the agent's keys, so a passphrase is asked only if they were not enough.
   * Its errors (missing file, passphrase refused) are what open() rejects
   * with when no other method succeeded.
   */
  readonly loadPrivateKey?: () => Promise<{ key: string | Buffer | ParsedKey; passphrase?: string }>;
  /** An ssh-agent socket (SSH_AUTH_SOCK): its keys are offered first, as ssh does. */
  readonly agent?: string;
  /**
   * Decides whether the server's host key (raw SSH wire-format blob) is the
   * one we expect. Never optional: connecting to an unchecked host is not
   * something this extension does. May take its time (ask the user): the
   * handshake timeout is suspended meanwhile. May reject: open() then
   * rejects with that error (e.g. a HostKeyRefusedError saying why).
   */
  readonly verifyHostKey: (key: Buffer) => boolean | Promise<boolean>;
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

export interface ExecOptions {
  readonly signal?: AbortSignal;
  /** Output as it arrives, decoded as UTF-8, in chunks of any size. */
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Written to the command's standard input, which is then closed. */
  readonly stdin?: string | Buffer;
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
    // After the handshake an error (keepalive timeout, reset) is followed by
    // 'close', which is what users of the connection see; without a listener
    // the error event would be thrown as an uncaught exception.
    client.on('error', () => (this.closed = true));
  }

  static async open(target: SshTarget): Promise<SshConnection> {
    const { Client } = await import('ssh2');
    const client = new Client();
    return new Promise<SshConnection>((resolve, reject) => {
      let settled = false;
      let rejectedKey = false;
      let refusal: unknown;
      let keyError: unknown;
      let agentError: Error | undefined;
      // Our own handshake timer rather than ssh2's readyTimeout: it must stop
      // while the user answers a host key question or types a passphrase.
      let timer: NodeJS.Timeout | undefined;
      const pause = (): void => clearTimeout(timer);
      const arm = (): void => {
        pause();
        if (!settled) {
          timer = setTimeout(
            () => fail(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' })),
            target.readyTimeoutMs ?? 10_000,
          );
        }
      };
      const fail = (err: unknown): void => {
        if (settled) {
          return;
        }
        settled = true;
        pause();
        client.removeListener('ready', onReady);
        client.destroy();
        const cause =
          refusal ??
          (rejectedKey
            ? new HostKeyMismatchError(`The host key of ${target.host}:${target.port} does not match the known key`)
            : (keyError ?? (isAuthFailure(err) ? (agentError ?? err) : err)));
        reject(cause instanceof Error ? cause : new Error(String(cause)));
      };
      const onError = (err: Error & { level?: string }): void => {
        // ssh2 reports the failure of one agent or key as an error, then goes
        // on with the next method: not the end of the attempt.
        if (err.level === 'agent' || /^Error signing data with key/.test(err.message)) {
          agentError ??= err;
          return;
        }
        fail(err);
      };
      // A server that hangs up during the handshake may close without an error event.
      const onClose = (): void =>
        fail(Object.assign(new Error('Connection closed during the handshake'), { code: 'ECONNRESET' }));
      const onReady = (): void => {
        settled = true;
        pause();
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        // Small interactive requests (HTTP over a channel) must not wait for
        // Nagle's algorithm and a delayed ACK: that alone costs ~40 ms each.
        client.setNoDelay(true);
        resolve(new SshConnection(client, target));
      };
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: 0,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          pause();
          Promise.resolve()
            .then(() => target.verifyHostKey(key))
            .then(
              (ok) => {
                rejectedKey = !ok;
                arm();
                return ok;
              },
              (err: unknown) => {
                refusal = err;
                return false;
              },
            )
            .then((ok) => !settled && verify(ok))
            .catch((err: unknown) => fail(err));
        },
      };
      if (target.agent || target.loadPrivateKey) {
        config.authHandler = authSequence(target, pause, arm, (err) => (keyError = err));
      } else {
        config.privateKey = target.privateKey;
      }
      client.once('ready', onReady);
      client.on('error', onError); // kept after a failure: later errors of the dead client are ignored
      client.once('close', onClose);
      arm();
      try {
        client.connect(config);
      } catch (err) {
        fail(err);
      }
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Runs a command. On abort the remote process is sent SIGTERM and the
   * result comes back at once, marked cancelled, without waiting for
   * descendants that may still hold the channel open. The second argument
   * is an AbortSignal (the original form) or options that add streaming:
   * output chunks as they arrive (the whole output is still returned) and
   * bytes for the command's standard input.
   */
  exec(command: string, signalOrOptions?: AbortSignal | ExecOptions): Promise<ExecResult> {
    const options: ExecOptions =
      signalOrOptions instanceof AbortSignal ? { signal: signalOrOptions } : (signalOrOptions ?? {});
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        resolve({ code: null, signal: undefined, cancelled: true, stdout: '', stderr: '' });
        return;
      }
      this.client.exec(command, (err, channel) => {
        if (err) {
          reject(err);
          return;
        }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        // One decoder per stream: a UTF-8 character split across two chunks must not become two U+FFFD.
        const outText = new StringDecoder('utf8');
        const errText = new StringDecoder('utf8');
        let settled = false;
        const settle = (code: number | null, sig: string | undefined, cancelled: boolean): void => {
          if (settled) {
            return;
          }
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          const restOut = outText.end();
          const restErr = errText.end();
          if (restOut) {
            options.onStdout?.(restOut);
          }
          if (restErr) {
            options.onStderr?.(restErr);
          }
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
        channel.on('data', (d: Buffer) => {
          out.push(d);
          const text = outText.write(d);
          if (text) {
            options.onStdout?.(text);
          }
        });
        channel.stderr.on('data', (d: Buffer) => {
          errOut.push(d);
          const text = errText.write(d);
          if (text) {
            options.onStderr?.(text);
          }
        });
        channel.on('close', (code: number | null, sig?: string) => settle(code ?? null, sig, false));
        // Without stdin the remote command reads end-of-file at once, as with `ssh host cmd </dev/null`.
        channel.end(options.stdin);
      });
    });
  }

  /** Writes a file on the machine by SFTP, atomically (see uploadBySftp). */
  upload(
    remotePath: string,
    content: string | Buffer,
    options: { readonly mode?: number; readonly signal?: AbortSignal } = {},
  ): Promise<void> {
    return uploadBySftp(() => this.sftp(), remotePath, content, options);
  }

  /** A new SFTP session on this connection; the caller ends it. */
  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => this.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
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

function isAuthFailure(err: unknown): boolean {
  return (err as { level?: string } | undefined)?.level === 'client-authentication';
}

/**
 * ssh's order: the agent's keys, then the key file, loaded (and its
 * passphrase asked) only if the agent did not do. A method that cannot be
 * prepared is skipped and its error kept for the final report.
 */
function authSequence(
  target: SshTarget,
  pause: () => void,
  arm: () => void,
  onKeyError: (err: unknown) => void,
): (methodsLeft: unknown, partialSuccess: unknown, next: NextAuthHandler) => void {
  const username = target.username;
  const steps: Array<() => Promise<AnyAuthMethod>> = [];
  if (target.agent) {
    const agent = target.agent;
    steps.push(() => Promise.resolve({ type: 'agent', username, agent }));
  }
  if (target.privateKey) {
    const key = target.privateKey;
    steps.push(() => Promise.resolve({ type: 'publickey', username, key }));
  }
  if (target.loadPrivateKey) {
    const load = target.loadPrivateKey;
    steps.push(async () => {
      pause();
      try {
        const { key, passphrase } = await load();
        return { type: 'publickey', username, key, ...(passphrase !== undefined ? { passphrase } : {}) };
      } finally {
        arm();
      }
    });
  }
  const tryNext = (next: NextAuthHandler): void => {
    const step = steps.shift();
    if (!step) {
      next(false as unknown as AnyAuthMethod); // ssh2: no method left, authentication failed
      return;
    }
    step().then(next, (err: unknown) => {
      onKeyError(err);
      tryNext(next);
    });
  };
  return (_left, _partial, next) => tryNext(next);
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

  /**
   * docker-modem logs every request's options with util.inspect (showHidden,
   * unlimited depth) even when its debug log is off. Without this, that walks
   * the whole SSH client behind the agent: about 20 ms per request, twice
   * the request itself.
   */
  [inspect.custom](): string {
    return `ForwardedSocketAgent(${this.socketPath})`;
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
