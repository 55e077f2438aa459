/**
 * The backup archive: `manifest.json` (every file with its size and
 * sha256, the stacks, the secrets' names, what was scrubbed) then the files,
 * in a gzipped tar. Its name carries the time it was made; its manifest
 * carries a hash of the content alone, so a second backup of an unchanged
 * cluster can say "already done" instead of piling up identical archives.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { BackupFile, Scrubbed } from './backupContent';
import { leaksIn, scrubService, STACK_LABEL } from './backupContent';
import { nameProblem } from './checkedValues';
import { english } from '../l10n';

export const MANIFEST = 'manifest.json';
export const BACKUP_FORMAT = 'swarm-lab-backup/1';

export interface BackupManifest {
  readonly format: string;
  readonly createdAt: string;
  /** sha256 over the files' paths and contents: equal for two backups of the same cluster state. */
  readonly contentHash: string;
  readonly stacks: readonly string[];
  readonly services: readonly string[];
  readonly configs: readonly string[];
  /** Names only: values are never read (the API does not give them). */
  readonly secrets: readonly string[];
  readonly scrubbed: readonly Scrubbed[];
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number; readonly sha256: string }>;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function contentHash(files: readonly BackupFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(`${f.path}\0${sha256(f.content)}\n`);
  }
  return h.digest('hex');
}

export function backupManifest(
  files: readonly BackupFile[],
  facts: { stacks: readonly string[]; scrubbed: readonly Scrubbed[]; createdAt: Date },
): BackupManifest {
  const names = (prefix: string, suffix: string): string[] =>
    files
      .filter((f) => f.path.startsWith(prefix) && f.path.endsWith(suffix))
      .map((f) => f.path.slice(prefix.length, -suffix.length));
  const secrets = files.find((f) => f.path === 'secrets.json');
  return {
    format: BACKUP_FORMAT,
    createdAt: facts.createdAt.toISOString(),
    contentHash: contentHash(files),
    stacks: facts.stacks,
    services: names('services/', '.json'),
    configs: names('configs/', '.json'),
    secrets: secrets ? (JSON.parse(secrets.content) as Array<{ Name: string }>).map((s) => s.Name) : [],
    scrubbed: facts.scrubbed,
    files: files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.content), sha256: sha256(f.content) })),
  };
}

/** `swarm-lab-python_dirty_app-20261126T020304Z.tar.gz`: sorts by time. */
export function archiveName(stack: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `swarm-lab-${stack.replace(/[^\w.-]/g, '_')}-${stamp}.tar.gz`;
}

/**
 * The archives of a folder listing, by the time in their names, newest first
 * (`-2`, `-3`… for a second archive of the same second). Which archive is
 * the newest is for the manifests to say (backupSafety.ts): a name can lie.
 */
export function archivesIn(names: readonly string[], stack: string): string[] {
  const prefix = `swarm-lab-${stack.replace(/[^\w.-]/g, '_')}-`;
  const key = (n: string): string =>
    n.replace(/Z(?:-(\d+))?\.tar\.gz$/, (_m, k: string | undefined) => `Z${(k ?? '1').padStart(6, '0')}`);
  return names
    .filter((n) => n.startsWith(prefix) && /-\d{8}T\d{6}Z(?:-\d+)?\.tar\.gz$/.test(n))
    .sort((a, b) => key(b).localeCompare(key(a)));
}

/** `name`, or `name` with `-2`, `-3`… before `.tar.gz` when a file of that name exists: never over an archive. */
export function freeArchiveName(name: string, existing: readonly string[]): string {
  const taken = new Set(existing);
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) {
    candidate = name.replace(/\.tar\.gz$/, `-${n}.tar.gz`);
  }
  return candidate;
}

/** The gzipped tar: the manifest first, then the files in order. */
export async function packBackup(manifest: BackupManifest, files: readonly BackupFile[]): Promise<Buffer> {
  const { pack } = await import('tar-stream');
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (c: Buffer) => chunks.push(c));
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  const mtime = new Date(manifest.createdAt);
  const add = (name: string, content: string): Promise<void> =>
    new Promise((resolve, reject) => {
      tar.entry({ name, mode: 0o644, mtime }, Buffer.from(content, 'utf8'), (e) => (e ? reject(e) : resolve()));
    });
  await add(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const f of files) {
    await add(f.path, f.content);
  }
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** The archive's files by path (the manifest among them); rejects on a damaged archive. */
export async function unpackBackup(archive: Uint8Array): Promise<Map<string, string>> {
  const { extract } = await import('tar-stream');
  const tar = gunzipSync(archive);
  const files = new Map<string, string>();
  const ex = extract();
  await new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (header.type === 'file' || !header.type) {
          files.set(header.name, Buffer.concat(chunks).toString('utf8'));
        }
        next();
      });
      stream.on('error', reject);
    });
    ex.on('finish', () => resolve());
    ex.on('error', reject);
    ex.end(tar);
  });
  return files;
}

export function readManifest(files: ReadonlyMap<string, string>): BackupManifest | undefined {
  const text = files.get(MANIFEST);
  if (text === undefined) {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as BackupManifest;
    return m.format === BACKUP_FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with an unpacked archive: the manifest missing, a file
 * missing, extra or changed, a stack without its compose file, and any
 * secret value: a credential left in a service's spec (scrubbing it again
 * finds something), a join token or private key anywhere, a value the
 * extension knows is secret (the Scope token), a secret entry with more
 * than its name, labels and id. Empty when the archive is sound.
 */
export function archiveProblems(files: ReadonlyMap<string, string>, known: readonly string[] = []): string[] {
  const manifest = readManifest(files);
  if (!manifest) {
    return [`no ${MANIFEST} of format ${BACKUP_FORMAT}`];
  }
  const problems: string[] = [];
  // Stack and config names become folder names and docker arguments: `..`, `/` or `-x` never.
  for (const [what, names] of [
    ['stack', manifest.stacks],
    ['config', manifest.configs],
  ] as const) {
    for (const name of Array.isArray(names) ? names : [names]) {
      if (nameProblem(name, english) !== undefined) {
        problems.push(`${MANIFEST}: the ${what} name ${JSON.stringify(name)} is not a valid name`);
      }
    }
  }
  if (problems.length > 0) {
    return problems;
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const content = files.get(f.path);
    if (content === undefined) {
      problems.push(`missing: ${f.path}`);
    } else if (sha256(content) !== f.sha256) {
      problems.push(`changed: ${f.path}`);
    }
  }
  for (const path of files.keys()) {
    if (path !== MANIFEST && !listed.has(path)) {
      problems.push(`not in the manifest: ${path}`);
    }
  }
  for (const stack of manifest.stacks) {
    if (!files.has(`stacks/${stack}/docker-compose.yml`)) {
      problems.push(`no compose file for the stack ${stack}`);
    }
  }
  for (const required of ['secrets.json', 'registry/catalog.json']) {
    if (!files.has(required)) {
      problems.push(`missing: ${required}`);
    }
  }
  for (const [path, content] of files) {
    for (const leak of leaksIn(content, known)) {
      problems.push(`${leak} in ${path}`);
    }
    if (path.startsWith('services/') && path.endsWith('.json')) {
      const left = scrubService(JSON.parse(content) as Record<string, unknown>).scrubbed;
      problems.push(...left.map((s) => `${s.what} in clear in ${path}`));
    }
  }
  const secrets = files.get('secrets.json');
  if (secrets !== undefined) {
    for (const s of JSON.parse(secrets) as Array<Record<string, unknown>>) {
      const extra = Object.keys(s).filter((k) => !['ID', 'Name', 'Labels'].includes(k));
      if (extra.length > 0) {
        problems.push(`secret ${String(s['Name'])} holds more than its name: ${extra.join(', ')}`);
      }
    }
  }
  return problems;
}

/** The stacks' compose files of an archive, with the configs they use. */
export function restorePlan(files: ReadonlyMap<string, string>): {
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly compose: string }>;
  readonly configs: ReadonlyArray<{
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly data: string;
  }>;
  readonly secrets: readonly string[];
  /** Values the restore must be given (scrubbed environment variables). */
  readonly needs: readonly string[];
} {
  const manifest = readManifest(files);
  const stacks = (manifest?.stacks ?? []).map((name) => ({
    name,
    compose: files.get(`stacks/${name}/docker-compose.yml`) ?? '',
  }));
  const configs = (manifest?.configs ?? []).map((name) => {
    const meta = JSON.parse(files.get(`configs/${name}.json`) ?? '{}') as { Labels?: Record<string, string> };
    const labels = Object.fromEntries(Object.entries(meta.Labels ?? {}).filter(([k]) => k !== STACK_LABEL));
    return { name, labels, data: files.get(`configs/${name}.data`) ?? '' };
  });
  const needs = [...new Set(stacks.flatMap((s) => [...s.compose.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1])))];
  return { stacks, configs, secrets: manifest?.secrets ?? [], needs };
}
