import * as fs from 'node:fs';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { prepareContext } from './buildContext';
import { ensureDebianRootfs, rootfsKey } from './debianBase';
import { buildImage, connect, imageIds, importImage, loadImages, saveImages } from './engineOps';
import { cachePaths, labImagesKey, pruneOlder, readManifest, writeFileAtomic } from './imageCache';
import {
  BASE_IMAGE,
  BASE_IMAGE_CHANGES,
  BASE_PACKAGES,
  DEBIAN_SUITE,
  labImageNames,
  labImageSpecs,
} from './labImageSpecs';
import { throwIfAborted } from '../run';

export interface LabImagesOptions {
  /** A Docker engine to build on: a Unix socket's path, or a client already connected (a VM's engine over SSH). */
  readonly builder: string | Dockerode;
  /** Git-ignored cache folder, e.g. <repo>/.cache/lab-images */
  readonly cacheDir: string;
  /** The sample project folder (samples/tp1) whose python-app/ and proxy/ are built. */
  readonly samplesDir: string;
  readonly log?: (line: string) => void;
  /** Where a cold build is, for a progress bar: each image as its build starts. */
  readonly onProgress?: (progress: LabImagesProgress) => void;
  readonly signal?: AbortSignal;
}

/** A cold build's stages, in order; `done` of `total` images built so far. */
export type LabImagesProgress =
  | { readonly stage: 'base'; readonly done: number; readonly total: number }
  | { readonly stage: 'image'; readonly image: string; readonly done: number; readonly total: number }
  | { readonly stage: 'save'; readonly done: number; readonly total: number };

export interface LabImagesResult {
  readonly tarball: string;
  readonly images: string[];
  readonly built: boolean;
}

/** Label put on the imported base: a builder that already has this rootfs skips the import. */
const ROOTFS_LABEL = 'org.swarm-lab.rootfs-key';

/** Two callers in one process asking for the same cache share one build. */
const inFlight = new Map<string, Promise<LabImagesResult>>();

/**
 * Builds (or reuses from cache) every lab image; returns the cached tarball
 * (docker save of ALL lab images, so shared layers are stored once) and the
 * image names it holds. Idempotent: a warm cache returns in well under a
 * second without touching the builder.
 */
/** The cached tarball for these samples, without building anything; undefined when there is none yet. */
export async function cachedLabImages(cacheDir: string, samplesDir: string): Promise<LabImagesResult | undefined> {
  const specs = labImageSpecs();
  const paths = cachePaths(cacheDir, await labImagesKey(specs, samplesDir));
  return fs.existsSync(paths.tarball)
    ? { tarball: paths.tarball, images: labImageNames(specs), built: false }
    : undefined;
}

export async function ensureLabImages(opts: LabImagesOptions): Promise<LabImagesResult> {
  const specs = labImageSpecs();
  const images = labImageNames(specs);
  const key = await labImagesKey(specs, opts.samplesDir);
  const paths = cachePaths(opts.cacheDir, key);
  if (fs.existsSync(paths.tarball)) {
    return { tarball: paths.tarball, images, built: false };
  }
  const pending = inFlight.get(paths.tarball);
  if (pending) {
    return pending;
  }
  const build = buildAll(opts, key, paths, images).finally(() => inFlight.delete(paths.tarball));
  inFlight.set(paths.tarball, build);
  return build;
}

async function buildAll(
  opts: LabImagesOptions,
  key: string,
  paths: { tarball: string; manifest: string },
  images: string[],
): Promise<LabImagesResult> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  log(
    `no lab images cached in ${opts.cacheDir} yet: building them from this computer's Debian packages (a few minutes, once)`,
  );
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const docker = typeof opts.builder === 'string' ? await connect(opts.builder) : opts.builder;
  const work = fs.mkdtempSync(path.join(opts.cacheDir, 'contexts-'));
  const partial = `${paths.tarball}.${process.pid}.tmp`;
  try {
    const specs = labImageSpecs();
    const total = specs.length + 1; // the Debian base too
    let done = 0;
    const report = opts.onProgress ?? (() => undefined);
    report({ stage: 'base', done, total });
    const build = async (id: string): Promise<void> => {
      const spec = specs.find((s) => s.id === id)!;
      throwIfAborted(opts.signal);
      report({ stage: 'image', image: spec.tags[0], done, total });
      log(`building ${spec.tags.join(', ')}`);
      const context = await prepareContext(spec, opts.samplesDir, work);
      await buildImage(docker, context, spec.tags, log, opts.signal);
      done++;
    };
    // The FROM-scratch images need no base: build them while debootstrap runs.
    const scratchIds = specs.filter((s) => !s.fromBase).map((s) => s.id);
    const scratch = (async () => {
      for (const id of scratchIds) {
        await build(id);
      }
    })();
    const base = ensureBaseImage(docker, opts, log).then(() => void done++);
    const settled = await Promise.allSettled([base, scratch]);
    for (const result of settled) {
      if (result.status === 'rejected') {
        throw result.reason;
      }
    }
    for (const spec of specs.filter((s) => s.fromBase)) {
      await build(spec.id);
    }

    const ids = await imageIds(docker, images);
    const missing = images.filter((name) => !ids.has(name));
    if (missing.length > 0) {
      throw new Error(`the builder lacks ${missing.join(', ')} after the build`);
    }
    report({ stage: 'save', done, total });
    log(`saving ${images.length} images…`);
    await saveImages(docker, images, partial, opts.signal);
    writeFileAtomic(paths.manifest, JSON.stringify({ key, images: Object.fromEntries(ids) }, null, 2));
    fs.renameSync(partial, paths.tarball);
    pruneOlder(opts.cacheDir, paths);
    const size = Math.round(fs.statSync(paths.tarball).size / 1e6);
    log(`lab images ready in ${Math.round((Date.now() - started) / 1000)} s: ${paths.tarball} (${size} MB)`);
    return { tarball: paths.tarball, images, built: true };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}

/** The Debian base on the builder: its rootfs from cache (or debootstrap), imported unless already there. */
async function ensureBaseImage(docker: Dockerode, opts: LabImagesOptions, log: (line: string) => void): Promise<void> {
  const spec = { suite: DEBIAN_SUITE, packages: BASE_PACKAGES };
  const key = rootfsKey(spec);
  const existing = await docker
    .getImage(BASE_IMAGE)
    .inspect()
    .catch(() => undefined);
  if (existing?.Config?.Labels?.[ROOTFS_LABEL] === key) {
    log(`${BASE_IMAGE} is already on the builder`);
    return;
  }
  const rootfs = await ensureDebianRootfs(spec, { cacheDir: opts.cacheDir, log, signal: opts.signal });
  log(`importing ${BASE_IMAGE}…`);
  await importImage(docker, rootfs, BASE_IMAGE, [...BASE_IMAGE_CHANGES, `LABEL ${ROOTFS_LABEL}=${key}`], opts.signal);
}

/**
 * Loads the tarball into every engine that lacks any of the images, in
 * parallel; engines that already have all of them (same image IDs) are
 * skipped. Returns per-engine 'loaded' | 'present'. An engine is a Unix
 * socket's path (the local lab's nodes) or a client already connected
 * (a VM's engine, through its SSH connection).
 */
export async function loadLabImages(
  tarball: string,
  images: string[],
  engines: ReadonlyArray<string | Dockerode>,
  signal?: AbortSignal,
): Promise<Array<'loaded' | 'present'>> {
  // Without the manifest (a tarball from elsewhere) the names alone decide.
  const expected = readManifest(tarball)?.images;
  const same = (have: Map<string, string>): boolean =>
    images.every((name) => have.has(name) && (!expected?.[name] || expected[name] === have.get(name)));
  return Promise.all(
    engines.map(async (engine, i): Promise<'loaded' | 'present'> => {
      const docker = typeof engine === 'string' ? await connect(engine) : engine;
      const named = typeof engine === 'string' ? engine : `engine ${i + 1}`;
      if (same(await imageIds(docker, images))) {
        return 'present';
      }
      throwIfAborted(signal);
      await loadImages(docker, tarball, signal);
      if (!same(await imageIds(docker, images))) {
        throw new Error(`${named} still lacks some lab images after loading ${tarball}`);
      }
      return 'loaded';
    }),
  );
}
