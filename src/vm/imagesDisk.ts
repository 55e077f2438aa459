import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGES_DISK_LABEL } from '../core/labSteps/storageDisk';
import { connect } from '../localLab/images/engineOps';
import { cachedLabImages, ensureLabImages, loadLabImages } from '../localLab/images/labImages';
import { run, throwIfAborted } from '../localLab/run';

/**
 * The lab's images as a disk the VMs boot with: Docker's data root with
 * the images already unpacked, made once per image tarball on this
 * computer, where unpacking is native (under TCG, `docker load` of the
 * tarball took 14 minutes for 3 VMs, most of it unpacking layers). Each VM
 * gets a copy-on-write overlay of it as its third disk, which the box
 * mounts on /var/lib/docker before dockerd starts (label IMAGES_DISK_LABEL);
 * a VM without it keeps the data root on its root disk.
 */

/** Room for what the lab adds on a VM (built images, containers, the registry's layers). */
const IMAGES_DISK_GB = 16;
/** Bump when what goes on the disk changes. */
const IMAGES_DISK_FORMAT = 'v1';

export interface ImagesDiskOptions {
  readonly cacheDir: string;
  /** The sample project whose images the lab builds (samples/tp1). */
  readonly samplesDir: string;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** The disk's path for a tarball: `vm-images-<tarball key>-v1.qcow2` beside it in the cache. */
export function imagesDiskPath(cacheDir: string, tarball: string): string {
  const key = path
    .basename(tarball)
    .replace(/^lab-images-/, '')
    .replace(/\.tar(\.gz)?$/, '');
  return path.join(cacheDir, `vm-images-${key}-${IMAGES_DISK_FORMAT}.qcow2`);
}

/**
 * The disk for the lab's images, made when missing: a dockerd of this
 * computer (Debian's docker.io, the box's own version) with a data root of
 * its own in a scratch folder builds the lab's images when the cache has
 * none, loads them, and stops; its data root, less its network state,
 * becomes an ext4 file system (mkfs.ext4 -d keeps owners, modes, device
 * nodes and the overlay's extended attributes), then qcow2.
 */
export async function ensureImagesDisk(opts: ImagesDiskOptions): Promise<string> {
  const cached = await cachedLabImages(opts.cacheDir, opts.samplesDir);
  if (cached && fs.existsSync(imagesDiskPath(opts.cacheDir, cached.tarball))) {
    return imagesDiskPath(opts.cacheDir, cached.tarball);
  }
  const log = opts.log ?? ((): void => undefined);
  const started = Date.now();
  // Short: dockerd's and containerd's sockets live under it (107 bytes at most).
  const work = fs.mkdtempSync(path.join(opts.cacheDir, 'vmi-'));
  try {
    const dataRoot = path.join(work, 'docker');
    log(`the lab's images into a Docker data root of their own (${dataRoot})…`);
    const tarball = await withDockerd(work, dataRoot, async (socket) => {
      const lab = await ensureLabImages({
        builder: socket,
        cacheDir: opts.cacheDir,
        samplesDir: opts.samplesDir,
        log,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      await loadLabImages(lab.tarball, lab.images, [socket], opts.signal);
      return lab.tarball;
    });
    throwIfAborted(opts.signal);
    // The VM's dockerd makes its own networks (its bridge, its swarm's).
    fs.rmSync(path.join(dataRoot, 'network'), { recursive: true, force: true });
    const raw = path.join(work, 'images.img');
    await run('mkfs.ext4', ['-q', '-L', IMAGES_DISK_LABEL, '-d', dataRoot, raw, `${IMAGES_DISK_GB}G`], {
      signal: opts.signal,
    });
    const disk = imagesDiskPath(opts.cacheDir, tarball);
    const partial = `${disk}.${process.pid}.tmp`;
    await run('qemu-img', ['convert', '-O', 'qcow2', raw, partial], { signal: opts.signal });
    fs.renameSync(partial, disk);
    log(`images disk ${disk}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return disk;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A dockerd private to `work` (socket, exec root, containerd namespace, no bridge, no iptables) for `use`, then stopped. */
async function withDockerd<T>(work: string, dataRoot: string, use: (socket: string) => Promise<T>): Promise<T> {
  const socket = path.join(work, 'd.sock');
  const logFile = path.join(work, 'dockerd.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(
    'dockerd',
    [
      ...['--host', `unix://${socket}`, '--data-root', dataRoot, '--exec-root', path.join(work, 'x')],
      ...['--pidfile', path.join(work, 'd.pid'), '--containerd-namespace', 'swarm-lab-vm-images'],
      ...['--containerd-plugins-namespace', 'swarm-lab-vm-images-plugins', '--bridge', 'none'],
      ...['--iptables=false', '--ip6tables=false', '--storage-driver', 'overlay2'],
    ],
    { stdio: ['ignore', out, out], detached: true },
  );
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const docker = await connect(socket);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await docker.ping();
        break;
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline) {
          const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
          throw new Error(`dockerd for the images disk did not answer: ${tail || String(error)}`, { cause: error });
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return await use(socket);
  } finally {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      const killed = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
      await exited;
      clearTimeout(killed);
    }
  }
}
