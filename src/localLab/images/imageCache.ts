import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles } from './buildContext';
import { rootfsKey } from './debianBase';
import { BASE_IMAGE_CHANGES, BASE_PACKAGES, DEBIAN_SUITE, hostPackages, LabImageSpec } from './labImageSpecs';
import { dpkgVersions } from '../dpkg';

/**
 * The lab images are cached as one gzip tarball (`docker save` of all of
 * them, so shared layers are stored once) named after a key over everything
 * that goes into them. A warm cache is just "the file exists": no builder,
 * no Docker call.
 */

/** Bump when the way images are built changes without the specs changing. */
export const CACHE_FORMAT = 'lab-images-v1';

export interface CacheManifest {
  readonly key: string;
  /** image name → image ID, as saved; lets a load skip engines that already have the same images. */
  readonly images: Record<string, string>;
}

export async function labImagesKey(specs: readonly LabImageSpec[], samplesDir: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  hash.update(`${CACHE_FORMAT}\n`);
  hash.update(
    `base ${rootfsKey({ suite: DEBIAN_SUITE, packages: BASE_PACKAGES })} ${JSON.stringify(BASE_IMAGE_CHANGES)}\n`,
  );
  hash.update(JSON.stringify(specs));
  const dirs = [...new Set(specs.flatMap((s) => (s.sampleDir ? [s.sampleDir] : [])))].sort();
  for (const dir of dirs) {
    const abs = path.join(samplesDir, dir);
    for (const rel of listFiles(abs)) {
      hash.update(`\nfile ${dir}/${rel}\n`);
      hash.update(fs.readFileSync(path.join(abs, rel)));
    }
  }
  // Binaries copied from this machine's packages: a new package version is a new image.
  // A package that is not installed counts as "absent" (the build then says what to install).
  const versions = await dpkgVersions(hostPackages(specs));
  for (const [pkg, version] of versions) {
    hash.update(`\npkg ${pkg} ${version ?? 'absent'}`);
  }
  return hash.digest('hex');
}

export function cachePaths(cacheDir: string, key: string): { tarball: string; manifest: string } {
  const base = path.join(cacheDir, `lab-images-${key.slice(0, 12)}`);
  return { tarball: `${base}.tar.gz`, manifest: `${base}.json` };
}

/** The manifest that sits next to a tarball, or undefined for a tarball made elsewhere. */
export function readManifest(tarball: string): CacheManifest | undefined {
  const file = tarball.replace(/\.tar\.gz$/, '.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as CacheManifest;
  } catch {
    return undefined;
  }
}

/** Writes text through a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Older tarballs and manifests (another key) go once a new one is written: each is ~80 MB. */
export function pruneOlder(cacheDir: string, keep: { tarball: string; manifest: string }): void {
  for (const name of fs.readdirSync(cacheDir)) {
    const file = path.join(cacheDir, name);
    if (/^lab-images-[0-9a-f]+\.(tar\.gz|json)$/.test(name) && file !== keep.tarball && file !== keep.manifest) {
      fs.rmSync(file, { force: true });
    }
  }
}
