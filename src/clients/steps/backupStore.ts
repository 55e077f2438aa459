/**
 * The backups' folder on this machine (the workspace's `backups/`): a file
 * is written under a temporary name then renamed, so an archive is either
 * whole or absent, never half-written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackupStore, RehearsalRecord, RehearsalRecords } from '../../core/labSteps/labConfig';

export function folderBackupStore(folder: string): BackupStore {
  return {
    folder,
    async list() {
      try {
        return (await fs.promises.readdir(folder)).filter((n) => !n.startsWith('.'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return [];
        }
        throw error;
      }
    },
    async read(name) {
      return fs.promises.readFile(path.join(folder, path.basename(name)));
    },
    async write(name, data) {
      await fs.promises.mkdir(folder, { recursive: true });
      const target = path.join(folder, path.basename(name));
      const temporary = path.join(folder, `.${path.basename(name)}.${process.pid}.tmp`);
      try {
        await fs.promises.writeFile(temporary, data, { mode: 0o600 });
        await fs.promises.rename(temporary, target);
      } finally {
        await fs.promises.rm(temporary, { force: true });
      }
      return target;
    },
  };
}

/**
 * Rehearsal records in a folder of the extension's own storage (outside any
 * workspace), one `<sha256>.json` per archive: what a record says holds for
 * those bytes only, whatever the archive's name.
 */
export function folderRehearsalRecords(folder: string): RehearsalRecords {
  const files = folderBackupStore(folder);
  const fileOf = (sha256: string): string => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
      throw new Error(`not a SHA-256: ${sha256}`);
    }
    return `${sha256}.json`;
  };
  return {
    async read(sha256) {
      const file = fileOf(sha256);
      let text: string;
      try {
        text = Buffer.from(await files.read(file)).toString('utf8');
      } catch {
        return undefined;
      }
      const record = JSON.parse(text) as Partial<RehearsalRecord>;
      return record.sha256 === sha256 && typeof record.ok === 'boolean' ? (record as RehearsalRecord) : undefined;
    },
    async write(record) {
      await files.write(fileOf(record.sha256), Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
    },
  };
}
