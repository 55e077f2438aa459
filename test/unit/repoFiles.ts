import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, from out/test/unit/. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function readJson<T = Record<string, unknown>>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8')) as T;
}

/** Source files (relative paths) under a folder of the repository. */
export function sourceFiles(relDir: string, ext = '.ts'): string[] {
  const dir = path.join(ROOT, relDir);
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .sort();
}

export function read(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}
