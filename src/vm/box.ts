import * as fs from 'node:fs';
import * as path from 'node:path';
import { aptInstallInChroot, runInChroot, unpackRootfs } from '../localLab/images/chrootApt';
import { ensureDebianRootfs, rootfsKey } from '../localLab/images/debianBase';
import { BASE_PACKAGES, DEBIAN_SUITE } from '../localLab/images/labImageSpecs';
import { run, throwIfAborted } from '../localLab/run';
import { boxMetadata, boxVagrantfile, metadataJson } from './boxMetadata';
import { boxFiles, BoxFiles, boxKey, defaultRecipe } from './boxRecipe';
import { findVagrantKeyPair } from './vagrantKey';

/**
 * The VM box (groundwork for real VMs): the lab's Debian base, plus a
 * kernel, systemd, sshd, Docker and a vagrant user, as a qcow2 root disk
 * with the kernel and initrd beside it, and the same as a Vagrant box.
 * Built from this computer's Debian mirror only, without mounting anything
 * (mkfs.ext4 -d fills the file system from a folder), so it also builds
 * where loop devices are not available.
 */
export interface BoxOptions {
  /** Where the box folder lives (git-ignored, e.g. <repo>/.cache/lab-images). */
  readonly cacheDir: string;
  /** Where the lab's Debian base tarball is (or is made); the local lab's image cache, so debootstrap runs once for both. */
  readonly rootfsCacheDir?: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface BoxResult {
  readonly files: BoxFiles;
  readonly key: string;
  /** False when the cache already had it. */
  readonly built: boolean;
}

/** The box's folder in the cache, built first when missing (a few minutes, once per recipe). */
export async function ensureBox(opts: BoxOptions): Promise<BoxResult> {
  const keys = await findVagrantKeyPair();
  const publicKey = fs.readFileSync(keys.publicKey, 'utf8');
  const baseSpec = { suite: DEBIAN_SUITE, packages: BASE_PACKAGES };
  const recipe = defaultRecipe(rootfsKey(baseSpec), publicKey);
  const key = boxKey(recipe);
  const files = boxFiles(opts.cacheDir, key);
  // The folder appears by one rename, complete: its presence is the answer.
  if (fs.existsSync(files.boxFile)) {
    return { files, key, built: false };
  }
  const tarball = await ensureDebianRootfs(baseSpec, {
    cacheDir: opts.rootfsCacheDir ?? opts.cacheDir,
    log: opts.log,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  // In the cache, not /tmp: the same file system for the final rename, and room for a few GB.
  const work = fs.mkdtempSync(path.join(opts.cacheDir, 'vm-box-build-'));
  const root = path.join(work, 'root');
  const out = path.join(work, 'out');
  const step = stepTimer(opts.log);
  try {
    step(`unpacking the Debian base, then apt-get install ${recipe.packages.join(' ')} (a few minutes)`);
    await unpackRootfs(tarball, root, opts.signal);
    await aptInstallInChroot(root, recipe.packages, opts.signal);
    throwIfAborted(opts.signal);
    await runInChroot(root, recipe.setup, [recipe.publicKey], opts.signal);

    step('kernel and initrd');
    fs.mkdirSync(out);
    const kernelRelease = installedKernel(root);
    fs.copyFileSync(path.join(root, 'boot', `vmlinuz-${kernelRelease}`), path.join(out, 'vmlinuz'));
    fs.copyFileSync(path.join(root, 'boot', `initrd.img-${kernelRelease}`), path.join(out, 'initrd.img'));

    step(`root disk (${recipe.diskGb} GB ext4 from the tree, then qcow2)`);
    const raw = path.join(work, 'disk.raw');
    await run('truncate', ['-s', `${recipe.diskGb}G`, raw], { signal: opts.signal });
    await run('mkfs.ext4', ['-q', '-F', '-L', 'swarmlab-root', '-d', root, raw], { signal: opts.signal });
    // The tree is no longer needed: free its gigabyte before the next copy.
    fs.rmSync(root, { recursive: true, force: true });
    await run('qemu-img', ['convert', '-O', 'qcow2', raw, path.join(out, 'box.img')], { signal: opts.signal });
    fs.rmSync(raw, { force: true });

    step('Vagrant box');
    const meta = boxMetadata({ diskGb: recipe.diskGb, cmdline: recipe.cmdline, kernelRelease, recipe: key });
    fs.writeFileSync(path.join(out, 'metadata.json'), metadataJson(meta));
    fs.writeFileSync(path.join(out, 'Vagrantfile'), boxVagrantfile());
    // Uncompressed: qcow2 is already sparse, and gzip would cost a minute of CPU for little.
    const boxTar = path.join(work, 'box.tar');
    await run('tar', ['-cf', boxTar, '-C', out, 'metadata.json', 'Vagrantfile', 'box.img', 'vmlinuz', 'initrd.img'], {
      signal: opts.signal,
    });
    fs.renameSync(boxTar, path.join(out, path.basename(files.boxFile)));
    step(undefined);
    // Another build of the same recipe may have finished first: its box is as good, and VMs may use it already.
    if (!fs.existsSync(files.boxFile)) {
      fs.rmSync(files.dir, { recursive: true, force: true });
      fs.renameSync(out, files.dir);
    }
    // Older boxes stay: a VM's overlay disk may still be backed by one.
    return { files, key, built: true };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The one kernel release apt installed in the tree (its /boot/vmlinuz-RELEASE). */
export function installedKernel(root: string): string {
  const releases = fs
    .readdirSync(path.join(root, 'boot'))
    .filter((name) => name.startsWith('vmlinuz-'))
    .map((name) => name.slice('vmlinuz-'.length));
  if (releases.length !== 1) {
    throw new Error(`expected one kernel in ${root}/boot, found: ${releases.join(', ') || 'none'}`);
  }
  return releases[0];
}

/** Logs each step with the seconds the previous one took: a slow build says where its time went. */
function stepTimer(log: (line: string) => void): (next: string | undefined) => void {
  let current: { name: string; started: number } | undefined;
  return (next) => {
    if (current) {
      log(`  ${current.name}: ${Math.round((Date.now() - current.started) / 1000)} s`);
    }
    current = next === undefined ? undefined : { name: next, started: Date.now() };
    if (next !== undefined) {
      log(`${next}…`);
    }
  };
}
