/**
 * `docker save` archives handed out on a USB stick: finding them in a
 * folder, reading which images each holds (tags and image ID) straight from
 * the tar stream, nothing extracted to disk, and deciding per node whether
 * it needs loading. Both layouts `docker load` accepts are read: Docker's
 * `manifest.json` (RepoTags, Config) and OCI's `index.json` (ref-name
 * annotations, manifest → config), plain or gzipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { english, Localizer } from '../l10n';
import type { EngineImage } from './imagePresence';
import { imageKey } from './imagePresence';

/** One image an archive holds. */
export interface ArchiveImage {
  /** As written in the archive, e.g. `traefik:v3.1`, `docker.io/ceph/daemon:latest`. */
  readonly tags: readonly string[];
  /** The image ID a node gives it after loading (the config digest), when the archive says. */
  readonly id?: string;
  /** Every ID a node may show for it (config digest, and the manifest digest of the containerd store). */
  readonly ids: readonly string[];
}

export interface ArchiveFile {
  readonly path: string;
  /** The file's name in its folder. */
  readonly name: string;
  readonly size: number;
}

export interface ArchiveContents extends ArchiveFile {
  readonly images: readonly ArchiveImage[];
}

const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz)$/i;

/** Whether a file name looks like what `docker save` (maybe gzipped) writes. */
export function isArchiveName(name: string): boolean {
  return ARCHIVE_NAME.test(name);
}

/** The archives directly in `folder`, by name; the folder unreadable: an error that names it. */
export async function findArchives(folder: string, l10n: Localizer = english): Promise<ArchiveFile[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new Error(l10n.t('Cannot read the folder {0}: {1}', folder, reason(error)), { cause: error });
  }
  const files: ArchiveFile[] = [];
  for (const e of entries) {
    if (!isArchiveName(e.name) || !(e.isFile() || e.isSymbolicLink())) {
      continue;
    }
    const full = path.join(folder, e.name);
    const stat = await fs.promises.stat(full).catch(() => undefined);
    if (stat?.isFile()) {
      files.push({ path: full, name: e.name, size: stat.size });
    }
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Entries kept in memory while reading: the JSON documents (manifests and configs are small). */
const KEEP_MAX_BYTES = 256 * 1024;
const KEEP_TOTAL_BYTES = 16 * 1024 * 1024;

/** The small files of a tar stream, by path (`./` dropped); the big ones (layers) are skipped. */
export async function readSmallEntries(tar: Readable): Promise<Map<string, Buffer>> {
  const { extract } = await import('tar-stream');
  const kept = new Map<string, Buffer>();
  let total = 0;
  const ex = extract();
  return new Promise<Map<string, Buffer>>((resolve, reject) => {
    const fail = (error: Error): void => {
      tar.destroy();
      ex.destroy();
      reject(error);
    };
    ex.on('entry', (header, stream, next) => {
      const size = header.size ?? 0;
      const name = header.name.replace(/^\.\//, '');
      const keep = header.type === 'file' && size <= KEEP_MAX_BYTES && total + size <= KEEP_TOTAL_BYTES;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => keep && chunks.push(c));
      stream.on('end', () => {
        if (keep) {
          total += size;
          kept.set(name, Buffer.concat(chunks));
        }
        next();
      });
      stream.on('error', fail);
    });
    ex.on('finish', () => resolve(kept));
    ex.on('error', fail);
    tar.on('error', fail);
    tar.pipe(ex);
  });
}

interface DockerManifestEntry {
  readonly Config?: string;
  readonly RepoTags?: readonly string[] | null;
}

interface OciDescriptor {
  readonly mediaType?: string;
  readonly digest?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

function parseJson(data: Buffer | undefined): unknown {
  if (data === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `blobs/sha256/abc…` or `abc….json` (older saves) → `sha256:abc…`. */
function configId(config: string): string | undefined {
  const blob = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(config);
  if (blob) {
    return `${blob[1]}:${blob[2]}`;
  }
  const old = /^([0-9a-f]{64})\.json$/.exec(config);
  return old ? `sha256:${old[1]}` : undefined;
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** The tag an OCI descriptor names, when it names a full reference (a bare `latest` names none). */
function ociTag(annotations: Readonly<Record<string, string>> | undefined): string | undefined {
  const containerd = annotations?.['io.containerd.image.name'];
  if (containerd) {
    return containerd;
  }
  const ref = annotations?.['org.opencontainers.image.ref.name'];
  return ref && /[:/]/.test(ref) && imageKey(ref) !== undefined ? ref : undefined;
}

/** Follows an OCI descriptor (maybe an index of platforms) down to its image's config digest. */
function ociConfig(entries: Map<string, Buffer>, digest: string, depth = 0): string | undefined {
  const doc = parseJson(entries.get(blobPath(digest))) as
    { config?: { digest?: string }; manifests?: OciDescriptor[] } | undefined;
  if (!doc || depth > 3) {
    return undefined;
  }
  if (doc.config?.digest) {
    return doc.config.digest;
  }
  for (const m of doc.manifests ?? []) {
    const found = m.digest ? ociConfig(entries, m.digest, depth + 1) : undefined;
    if (found) {
      return found;
    }
  }
  return undefined;
}

/**
 * The images of an archive's small entries: `manifest.json` when there is
 * one (it has the tags `docker load` applies), else `index.json`.
 * Undefined when neither is there: not a docker archive.
 */
export function archiveImages(entries: Map<string, Buffer>): ArchiveImage[] | undefined {
  const manifest = parseJson(entries.get('manifest.json'));
  if (Array.isArray(manifest)) {
    return (manifest as DockerManifestEntry[]).map((m) => {
      const id = m.Config !== undefined ? configId(m.Config) : undefined;
      return { tags: [...(m.RepoTags ?? [])], ...(id ? { id } : {}), ids: id ? [id] : [] };
    });
  }
  const index = parseJson(entries.get('index.json')) as { manifests?: OciDescriptor[] } | undefined;
  if (!index || !Array.isArray(index.manifests)) {
    return undefined;
  }
  // One image per distinct manifest, with every name the index gives it.
  const byDigest = new Map<string, { tags: string[]; id?: string; ids: string[] }>();
  for (const d of index.manifests) {
    if (!d.digest) {
      continue;
    }
    let image = byDigest.get(d.digest);
    if (!image) {
      const id = ociConfig(entries, d.digest);
      image = { tags: [], ...(id ? { id } : {}), ids: [...(id ? [id] : []), d.digest] };
      byDigest.set(d.digest, image);
    }
    const tag = ociTag(d.annotations);
    if (tag && !image.tags.includes(tag)) {
      image.tags.push(tag);
    }
  }
  return [...byDigest.values()];
}

/** Reads one archive (gzipped or not, by its first bytes); an error naming the file when it is not a docker archive. */
export async function readArchive(file: ArchiveFile, l10n: Localizer = english): Promise<ArchiveContents> {
  let head: Buffer;
  try {
    const fd = await fs.promises.open(file.path, 'r');
    try {
      head = Buffer.alloc(2);
      await fd.read(head, 0, 2, 0);
    } finally {
      await fd.close();
    }
  } catch (error) {
    throw new Error(l10n.t('Cannot read {0}: {1}', file.path, reason(error)), { cause: error });
  }
  const raw = fs.createReadStream(file.path);
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  let tar: Readable = raw;
  if (gzipped) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    tar = raw.pipe(gunzip);
  }
  let entries: Map<string, Buffer>;
  try {
    entries = await readSmallEntries(tar);
  } catch (error) {
    raw.destroy();
    throw new Error(l10n.t('{0} is not a docker image archive: {1}', file.name, reason(error)), { cause: error });
  }
  const images = archiveImages(entries);
  if (!images || images.length === 0) {
    throw new Error(l10n.t('{0} is not a docker image archive: it has no manifest.json or index.json.', file.name));
  }
  return { ...file, images };
}

export type NodeArchivePlan =
  { readonly kind: 'skip'; readonly id: string } | { readonly kind: 'load'; readonly why: string };

/**
 * Whether a node needs the archive: skipped only when every image of it is
 * there under every one of its tags with the same ID (an untagged image: the
 * ID alone). An image whose ID the archive does not give is always loaded.
 */
export function planArchive(images: readonly ArchiveImage[], held: readonly EngineImage[]): NodeArchivePlan {
  const idOf = new Map<string, string>();
  for (const h of held) {
    for (const t of h.tags) {
      const key = imageKey(t);
      if (key !== undefined) {
        idOf.set(key, h.id);
      }
    }
  }
  for (const image of images) {
    if (image.ids.length === 0) {
      return { kind: 'load', why: 'the archive gives no image ID' };
    }
    if (image.tags.length === 0 && !held.some((h) => image.ids.includes(h.id))) {
      return { kind: 'load', why: `${image.ids[0]} is missing` };
    }
    for (const tag of image.tags) {
      const key = imageKey(tag);
      const there = key !== undefined ? idOf.get(key) : undefined;
      if (there === undefined) {
        return { kind: 'load', why: `${tag} is missing` };
      }
      if (!image.ids.includes(there)) {
        return { kind: 'load', why: `${tag} is another image (${there})` };
      }
    }
  }
  return { kind: 'skip', id: images[0].id ?? images[0].ids[0] };
}

/** Every tag of an archive, for showing it (`(untagged)` images counted by ID). */
export function archiveTags(images: readonly ArchiveImage[]): string[] {
  return images.flatMap((i) => (i.tags.length > 0 ? i.tags : [i.id ?? i.ids[0] ?? '?']));
}

/** `12.3 MB` */
export function formatSize(bytes: number): string {
  if (bytes < 1000) {
    return `${bytes} B`;
  }
  if (bytes < 1e6) {
    return `${(bytes / 1e3).toFixed(1)} kB`;
  }
  if (bytes < 1e9) {
    return `${(bytes / 1e6).toFixed(1)} MB`;
  }
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export type ArchiveNodeKind = 'loaded' | 'skipped' | 'failed' | 'cancelled' | 'built' | 'pushed';

/**
 * One sentence for the user, per node over all the archives:
 * `3 archives: loaded on core-01, core-02; already there on core-03`. A node
 * is "loaded" when it took at least one archive, "already there" when it
 * needed none; a failure or a cancellation on any archive wins.
 */
export function archivesSummary(
  results: ReadonlyArray<ReadonlyArray<{ readonly node: string; readonly kind: ArchiveNodeKind }>>,
  unreachable: readonly string[],
  l10n: Localizer = english,
): string {
  const byNode = new Map<string, Set<ArchiveNodeKind>>();
  for (const outcomes of results) {
    for (const o of outcomes) {
      byNode.set(o.node, (byNode.get(o.node) ?? new Set()).add(o.kind));
    }
  }
  const where = (test: (kinds: Set<ArchiveNodeKind>) => boolean): string[] =>
    [...byNode].filter(([, kinds]) => test(kinds)).map(([node]) => node);
  const failed = [...where((k) => k.has('failed')), ...unreachable];
  const cancelled = where((k) => k.has('cancelled') && !k.has('failed'));
  const loaded = where((k) => k.has('loaded') && !k.has('failed') && !k.has('cancelled'));
  const there = where((k) => k.size === 1 && k.has('skipped'));
  const parts = [
    loaded.length > 0 ? l10n.t('loaded on {0}', loaded.join(', ')) : '',
    there.length > 0 ? l10n.t('already there on {0}', there.join(', ')) : '',
    cancelled.length > 0 ? l10n.t('cancelled on {0}', cancelled.join(', ')) : '',
    failed.length > 0 ? l10n.t('failed on {0}', failed.join(', ')) : '',
  ].filter((p) => p !== '');
  return results.length === 1
    ? l10n.t('1 archive: {0}', parts.join('; '))
    : l10n.t('{0} archives: {1}', results.length, parts.join('; '));
}
