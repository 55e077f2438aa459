import { readFile, readdir } from 'node:fs/promises';
import type { LabFiles } from './labContent';

/** The lab's files through node:fs, for tests and command-line tools. */
export const nodeLabFiles: LabFiles = {
  async list(dir) {
    try {
      return await readdir(dir);
    } catch {
      return undefined;
    }
  },
  read: (file) => readFile(file, 'utf8'),
};
