/**
 * The backups' folder on this machine (the workspace's `backups/`): a file
 * is written under a temporary name then renamed, so an archive is either
 * whole or absent, never half-written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackupStore } from '../../core/labSteps/labConfig';

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
