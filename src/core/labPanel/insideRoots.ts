import { posix } from 'node:path';

/**
 * Where a path written in the report points, as a URI path (always `/`),
 * and only when it stays inside one of `roots` (the workspace folders): the
 * HTML export inlines images, and a report handed in must not carry
 * `../../.ssh/id_ed25519` or `/etc/shadow` with it. Undefined otherwise.
 * Symbolic links are the caller's to resolve (it has the file system).
 */
export function resolveInside(baseDir: string, relative: string, roots: readonly string[]): string | undefined {
  if (relative === '' || relative.includes('\0') || /^[a-z][a-z0-9+.-]*:/i.test(relative)) {
    return undefined;
  }
  const target = posix.resolve(baseDir, relative.replace(/\\/g, '/'));
  return roots.some((root) => isInside(target, root)) ? target : undefined;
}

export function isInside(target: string, root: string): boolean {
  const r = posix.resolve(root);
  const t = posix.resolve(target);
  return t === r || t.startsWith(r.endsWith('/') ? r : `${r}/`);
}
