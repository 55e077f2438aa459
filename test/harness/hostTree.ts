import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Small files are compared by content too (configuration lives there); large ones by size and time. */
const HASHED_BELOW = 256 * 1024;

/**
 * What a set of this computer's folders holds, one line per entry (type,
 * mode, owner, size, modification time, and a hash of small files): two
 * digests taken before and after something differ where it wrote. Stays on
 * each folder's file system; symbolic links are not followed.
 */
export function hostTreeDigest(roots: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string, dev: number): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    let line = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs}`;
    if (st.isSymbolicLink()) {
      line += ` -> ${fs.readlinkSync(p)}`;
    } else if (st.isFile() && st.size < HASHED_BELOW) {
      try {
        line += ` ${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
      } catch {
        line += ' unreadable';
      }
    }
    out.set(p, line);
    if (st.isDirectory() && st.dev === dev) {
      let names: string[];
      try {
        names = fs.readdirSync(p);
      } catch {
        return;
      }
      for (const name of names) {
        walk(path.join(p, name), dev);
      }
    }
  };
  for (const root of roots) {
    if (!fs.existsSync(root)) {
      out.set(root, 'absent');
      continue;
    }
    walk(root, fs.lstatSync(root).dev);
  }
  return out;
}
