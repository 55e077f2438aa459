import * as fs from 'node:fs/promises';
import type { ParsedKey } from 'ssh2';
import { english, Localizer } from '../../core/l10n';

/** Asked when a key file is protected: resolves to the passphrase, or undefined if the user cancelled. */
export type AskPassphrase = (request: { file: string; attempt: number }) => Promise<string | undefined>;

/** A key file could not be used; the message says why, for the machine's item. */
export class IdentityError extends Error {
  constructor(
    message: string,
    readonly code: 'KEY_PASSPHRASE_CANCELLED' | 'KEY_PASSPHRASE_WRONG' | 'KEY_PASSPHRASE_NEEDED' | 'KEY_UNREADABLE',
    readonly file: string,
  ) {
    super(message);
  }
}

/** ssh asks three times too. */
const ATTEMPTS = 3;

/**
 * Reads private key files for SshConnection.loadPrivateKey, asking for the
 * passphrase of a protected one through a callback (a password box in VS
 * Code). A decrypted key is kept in memory for the session, so reconnecting
 * after a node reboot does not ask again; it is dropped when the file
 * changes. Several connections needing the same key at once ask once.
 */
export class IdentityLoader {
  private readonly cache = new Map<string, { mtimeMs: number; key: ParsedKey }>();
  private readonly loading = new Map<string, Promise<{ key: ParsedKey }>>();

  constructor(
    private readonly askPassphrase?: AskPassphrase,
    private readonly l10n: Localizer = english,
  ) {}

  /** Rejects with the fs error (ENOENT…) or an IdentityError. */
  async load(file: string): Promise<{ key: ParsedKey }> {
    const mtimeMs = (await fs.stat(file)).mtimeMs;
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) {
      return { key: cached.key };
    }
    let pending = this.loading.get(file);
    if (!pending) {
      pending = this.read(file, mtimeMs).finally(() => this.loading.delete(file));
      this.loading.set(file, pending);
    }
    return pending;
  }

  /** Forgets decrypted keys (all, or one file's). */
  forget(file?: string): void {
    if (file === undefined) {
      this.cache.clear();
    } else {
      this.cache.delete(file);
    }
  }

  private async read(file: string, mtimeMs: number): Promise<{ key: ParsedKey }> {
    const { utils } = await import('ssh2');
    const data = await fs.readFile(file);
    let parsed = first(utils.parseKey(data));
    if (parsed instanceof Error && /encrypted/i.test(parsed.message)) {
      if (!this.askPassphrase) {
        throw new IdentityError(
          this.l10n.t('The key {0} is protected by a passphrase: add it to ssh-agent (ssh-add {0}).', file),
          'KEY_PASSPHRASE_NEEDED',
          file,
        );
      }
      for (let attempt = 1; parsed instanceof Error; attempt++) {
        if (attempt > ATTEMPTS) {
          throw new IdentityError(this.l10n.t('Wrong passphrase for the key {0}.', file), 'KEY_PASSPHRASE_WRONG', file);
        }
        const passphrase = await this.askPassphrase({ file, attempt });
        if (passphrase === undefined) {
          throw new IdentityError(
            this.l10n.t('No passphrase was given for the key {0}.', file),
            'KEY_PASSPHRASE_CANCELLED',
            file,
          );
        }
        parsed = first(utils.parseKey(data, passphrase));
      }
    }
    if (parsed instanceof Error || !parsed.isPrivateKey()) {
      const why = parsed instanceof Error ? parsed.message : 'public key';
      throw new IdentityError(
        this.l10n.t('{0} is not a private key Swarm Lab can use: {1}', file, why),
        'KEY_UNREADABLE',
        file,
      );
    }
    this.cache.set(file, { mtimeMs, key: parsed });
    return { key: parsed };
  }
}

/** OpenSSH's format may hold several keys; ssh2 returns an array then, and ssh uses the first. */
function first(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key in the file')) : parsed;
}
