import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FolderEntry {
  /** The entry's path below the folder walked, names joined with `/`. */
  readonly rel: string;
  readonly dirent: fs.Dirent;
}

/**
 * Every entry below `dir`, depth first: a folder comes just before what it
 * holds. Symbolic links are listed, not followed. Lazy, so a caller may stop
 * early; an unreadable folder throws when the walk reaches it.
 */
export function* walkFolder(dir: string): Generator<FolderEntry> {
  function* below(rel: string): Generator<FolderEntry> {
    for (const dirent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${dirent.name}` : dirent.name;
      yield { rel: child, dirent };
      if (dirent.isDirectory()) {
        yield* below(child);
      }
    }
  }
  yield* below('');
}
