import * as fs from 'node:fs/promises';
import { english, Localizer } from '../../core/l10n';
import {
  appendKnownHostsLine,
  check,
  defaultKnownHostsFile,
  expandHome,
  fingerprint,
  IgnoredLine,
  keyTypeOf,
  knownHostsLine,
} from '../../core/ssh/knownHosts';

/** What the user is asked about a host whose key is not in known_hosts. */
export interface UnknownHostQuestion {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
  /** Key types known for this host already: the modal should warn, the server offered another one. */
  readonly otherKeyTypes: readonly string[];
  /** Lines that concern the host but are not used (e.g. @cert-authority), with why. */
  readonly ignored: readonly IgnoredLine[];
  /** Where an accepted key is saved. */
  readonly knownHostsFile: string;
}

export interface HostKeyPolicyOptions {
  /** The `swarmLab.knownHostsFile` setting; empty or absent: ~/.ssh/known_hosts. `~` is expanded. */
  readonly knownHostsFile?: string;
  /** Asks the user (a modal in VS Code). True: accept and save the key. */
  readonly confirmUnknownHost: (question: UnknownHostQuestion) => Promise<boolean>;
  /** Save accepted keys with hashed host names (default, see knownHostsLine). */
  readonly hashHostNames?: boolean;
  readonly l10n?: Localizer;
  /** Something the user should know that does not stop the connection (an accepted key could not be saved). */
  readonly onWarning?: (message: string) => void;
}

/**
 * The policy refused a host key. The message is the user-facing sentence;
 * `code` tells the cases apart for the UI.
 */
export abstract class HostKeyRefusedError extends Error {
  abstract readonly code: 'HOST_KEY_CHANGED' | 'HOST_KEY_REVOKED' | 'HOST_KEY_DECLINED';
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    readonly offeredFingerprint: string,
  ) {
    super(message);
  }
}

export class HostKeyChangedError extends HostKeyRefusedError {
  readonly code = 'HOST_KEY_CHANGED';
  constructor(
    message: string,
    host: string,
    port: number,
    offeredFingerprint: string,
    readonly knownFingerprint: string,
    readonly knownHostsFile: string,
    readonly lines: readonly number[],
  ) {
    super(message, host, port, offeredFingerprint);
  }
}

export class HostKeyRevokedError extends HostKeyRefusedError {
  readonly code = 'HOST_KEY_REVOKED';
}

/** The user said no (now, or earlier in this session: see forgetDeclined). */
export class HostKeyDeclinedError extends HostKeyRefusedError {
  readonly code = 'HOST_KEY_DECLINED';
}

/**
 * Host key checking for SshConnection, like ssh with
 * `StrictHostKeyChecking ask`: a key in known_hosts is accepted, a changed
 * or revoked one refused, an unknown one accepted only if the user says so,
 * and then saved. Machines whose key is pinned (the local lab writes its
 * nodes' keys itself) are checked against that key alone.
 */
export class HostKeyPolicy {
  readonly knownHostsFile: string;
  private readonly l10n: Localizer;
  /** One question per host and key at a time, whatever the number of connections waiting on it. */
  private readonly asking = new Map<string, Promise<void>>();
  /**
   * Answers of this session. Accepted keys are kept even when saved, which
   * covers a connection that read the file just before the save, and a
   * file that could not be written. Declined keys are not asked again by
   * reconnection attempts: only an explicit user action should bring the
   * question back (forgetDeclined).
   */
  private readonly accepted = new Set<string>();
  private readonly declined = new Set<string>();

  constructor(private readonly options: HostKeyPolicyOptions) {
    this.knownHostsFile = expandHome(options.knownHostsFile?.trim() || defaultKnownHostsFile());
    this.l10n = options.l10n ?? english;
  }

  /**
   * A verifyHostKey for SshTarget. With a pinned key (an OpenSSH public key
   * line), only that key is accepted and known_hosts is not read; a mismatch
   * answers false, which SshConnection reports as HostKeyMismatchError, as
   * before. Otherwise resolves true for an accepted key and rejects with a
   * HostKeyRefusedError.
   */
  verifier(host: string, port: number, pinnedKey?: string): (key: Buffer) => boolean | Promise<boolean> {
    if (pinnedKey) {
      const pinned = Buffer.from(pinnedKey.trim().split(/\s+/)[1] ?? '', 'base64');
      return (key) => key.equals(pinned);
    }
    return async (key) => {
      await this.check(host, port, key);
      return true;
    };
  }

  /** Resolves when the key may be used; rejects with a HostKeyRefusedError otherwise. */
  async check(host: string, port: number, key: Buffer): Promise<void> {
    const keyType = keyTypeOf(key) ?? 'unknown';
    const keyBase64 = key.toString('base64');
    const offered = fingerprint(key);
    const where = port === 22 ? host : `${host}:${port}`;
    const id = `${host.toLowerCase()} ${port} ${keyBase64}`;
    const result = check(await this.readFile(), host, port, keyType, keyBase64, this.l10n);
    switch (result.status) {
      case 'known':
        return;
      case 'changed':
        throw new HostKeyChangedError(
          this.l10n.t(
            'The host key of {0} changed: expected {1}, got {2}. Swarm Lab refuses to connect. If this change is expected, remove line {3} of {4}.',
            where,
            result.knownFingerprint,
            offered,
            result.lines[0],
            this.knownHostsFile,
          ),
          host,
          port,
          offered,
          result.knownFingerprint,
          this.knownHostsFile,
          result.lines,
        );
      case 'revoked':
        throw new HostKeyRevokedError(
          this.l10n.t(
            'The host key of {0} ({1}) is revoked (line {2} of {3}): Swarm Lab refuses to connect.',
            where,
            offered,
            result.line,
            this.knownHostsFile,
          ),
          host,
          port,
          offered,
        );
    }
    if (this.accepted.has(id)) {
      return;
    }
    const declined = (): HostKeyDeclinedError =>
      new HostKeyDeclinedError(
        this.l10n.t('The host key of {0} ({1}) was not accepted.', where, offered),
        host,
        port,
        offered,
      );
    if (this.declined.has(id)) {
      throw declined();
    }
    let pending = this.asking.get(id);
    if (!pending) {
      const question: UnknownHostQuestion = {
        host,
        port,
        keyType,
        fingerprint: offered,
        otherKeyTypes: result.otherKeyTypes,
        ignored: result.ignored,
        knownHostsFile: this.knownHostsFile,
      };
      pending = this.askAndSave(question, id, keyBase64, declined).finally(() => this.asking.delete(id));
      this.asking.set(id, pending);
    }
    return pending;
  }

  /** Lets the next connection ask again about keys the user declined (call on an explicit refresh). */
  forgetDeclined(): void {
    this.declined.clear();
  }

  private async askAndSave(
    q: UnknownHostQuestion,
    id: string,
    keyBase64: string,
    declined: () => HostKeyDeclinedError,
  ): Promise<void> {
    if (!(await this.options.confirmUnknownHost(q))) {
      this.declined.add(id);
      throw declined();
    }
    this.accepted.add(id);
    try {
      // Another program (ssh in a terminal) may have saved it meanwhile: no duplicate line.
      if (check(await this.readFile(), q.host, q.port, q.keyType, keyBase64).status !== 'known') {
        const line = knownHostsLine(q.host, q.port, q.keyType, keyBase64, { hash: this.options.hashHostNames ?? true });
        await appendKnownHostsLine(this.knownHostsFile, line);
      }
    } catch (error) {
      // The user accepted: connect anyway, and say the key is only trusted until VS Code restarts.
      this.options.onWarning?.(
        this.l10n.t(
          'The host key of {0} is accepted for this session but could not be saved to {1}: {2}',
          q.port === 22 ? q.host : `${q.host}:${q.port}`,
          this.knownHostsFile,
          error instanceof Error ? error.message : String(error),
        ),
      );
    }
  }

  private async readFile(): Promise<string> {
    try {
      return await fs.readFile(this.knownHostsFile, 'utf8');
    } catch (error) {
      // No file (or a path through a non-folder): nothing is known yet.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return '';
      }
      throw error;
    }
  }
}
