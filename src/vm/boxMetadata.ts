import * as fs from 'node:fs';

/**
 * The two small files of a Vagrant box besides its disk. Vagrant itself
 * reads only `provider` from metadata.json (to pick the provider plugin);
 * the rest is for our provider, which boots the kernel beside the disk
 * directly (the box has no bootloader).
 */
export const BOX_PROVIDER = 'swarmlab_qemu';

export interface BoxMetadata {
  readonly provider: typeof BOX_PROVIDER;
  readonly format: 'qcow2';
  /** Gigabytes, as vagrant-libvirt's boxes say it. */
  readonly virtual_size: number;
  readonly kernel: string;
  readonly initrd: string;
  readonly cmdline: string;
  /** `uname -r` in the guest: the modules under /lib/modules must match the kernel booted. */
  readonly kernel_release: string;
  /** The recipe key the box was built from. */
  readonly recipe: string;
}

export function boxMetadata(opts: {
  diskGb: number;
  cmdline: string;
  kernelRelease: string;
  recipe: string;
}): BoxMetadata {
  return {
    provider: BOX_PROVIDER,
    format: 'qcow2',
    virtual_size: opts.diskGb,
    kernel: 'vmlinuz',
    initrd: 'initrd.img',
    cmdline: opts.cmdline,
    kernel_release: opts.kernelRelease,
    recipe: opts.recipe,
  };
}

export function metadataJson(meta: BoxMetadata): string {
  return JSON.stringify(meta, null, 2) + '\n';
}

/** Reads a box's metadata.json back, refusing one of another provider or without a kernel. */
export function parseBoxMetadata(text: string): BoxMetadata {
  const data = JSON.parse(text) as Partial<BoxMetadata>;
  if (data.provider !== BOX_PROVIDER) {
    throw new Error(`not a ${BOX_PROVIDER} box (provider: ${String(data.provider)})`);
  }
  for (const field of ['kernel', 'initrd', 'cmdline', 'kernel_release'] as const) {
    if (typeof data[field] !== 'string' || data[field] === '') {
      throw new Error(`box metadata.json lacks "${field}"`);
    }
  }
  return data as BoxMetadata;
}

export function readBoxMetadata(file: string): BoxMetadata {
  return parseBoxMetadata(fs.readFileSync(file, 'utf8'));
}

/**
 * The Vagrantfile inside the box: defaults a project's own Vagrantfile
 * builds on. Vagrant logs in as vagrant with its insecure key, then replaces
 * that key (insert_key, Vagrant's default).
 */
export function boxVagrantfile(): string {
  return [
    '# Swarm Lab VM box: a Debian root disk (box.img, qcow2) booted by QEMU with the',
    '# kernel and initrd beside it (no bootloader); provider "swarmlab_qemu".',
    'Vagrant.configure("2") do |config|',
    '  config.ssh.username = "vagrant"',
    '  config.ssh.insert_key = true',
    'end',
    '',
  ].join('\n');
}
