import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkFolder } from '../../core/files/walkFolder';
import type { LabImageSpec } from './labImageSpecs';
import { run } from '../run';

/** A folder to send to the builder, and the files in it (dockerode tars exactly these). */
export interface BuildContext {
  readonly dir: string;
  readonly src: string[];
}

/**
 * Lays out the build context of one image in `workDir`: the sample's own
 * folder as it is, or a generated one (Dockerfile + `rootfs/`). Binaries of
 * Debian packages go in with every shared library `ldd` lists, at the paths
 * the dynamic loader will look for them, so they run in a FROM scratch image.
 */
export async function prepareContext(spec: LabImageSpec, samplesDir: string, workDir: string): Promise<BuildContext> {
  if (spec.sampleDir) {
    const dir = path.join(samplesDir, spec.sampleDir);
    return { dir, src: listFiles(dir) };
  }
  if (!spec.dockerfile) {
    throw new Error(`lab image ${spec.id} has neither a sample folder nor a Dockerfile`);
  }
  const dir = path.join(workDir, spec.id);
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(rootfs, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), spec.dockerfile);
  for (const file of spec.files ?? []) {
    if ('binary' in file) {
      await copyWithLibraries(file.binary, rootfs, file.dest, spec.hostPackages ?? []);
    } else {
      const dest = path.join(rootfs, file.dest);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, file.text, { mode: file.mode ?? 0o644 });
      fs.chmodSync(dest, file.mode ?? 0o644);
    }
  }
  return { dir, src: listFiles(dir) };
}

async function copyWithLibraries(
  binary: string,
  rootfs: string,
  dest: string | undefined,
  packages: readonly string[],
): Promise<void> {
  if (!fs.existsSync(binary)) {
    throw new Error(
      `${binary} is missing: install the Debian package(s) ${packages.join(', ')} (apt-get install -y ${packages.join(' ')})`,
    );
  }
  copyResolved(binary, path.join(rootfs, dest ?? binary));
  for (const lib of await sharedLibraries(binary)) {
    copyResolved(lib, path.join(rootfs, lib));
  }
}

/** The absolute library paths `ldd` prints (none for a static binary such as busybox-static). */
export async function sharedLibraries(binary: string): Promise<string[]> {
  let out: string;
  try {
    out = await run('ldd', [binary]);
  } catch (error) {
    // ldd exits 1 with "not a dynamic executable" for static binaries.
    if (error instanceof Error && /not a dynamic executable/.test(error.message)) {
      return [];
    }
    throw error;
  }
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m) {
      libs.add(m[1]);
    }
  }
  return [...libs].sort();
}

/** Copies the content behind symlinks: the image needs the file at the path the loader asks for. */
function copyResolved(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(fs.realpathSync(from), to);
  fs.chmodSync(to, fs.statSync(from).mode & 0o7777);
}

/** Relative paths of the regular files under `dir`, sorted (stable for the cache key and the tar). */
export function listFiles(dir: string): string[] {
  return [...walkFolder(dir)]
    .filter((e) => e.dirent.isFile())
    .map((e) => e.rel)
    .sort();
}
