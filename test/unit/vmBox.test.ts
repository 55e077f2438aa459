import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installedKernel } from '../../src/vm/box';
import { boxMetadata, boxVagrantfile, metadataJson, parseBoxMetadata } from '../../src/vm/boxMetadata';
import { boxFiles, boxKey, defaultRecipe } from '../../src/vm/boxRecipe';
import { sshArgs } from '../../src/vm/guestSsh';
import { probeArgs, probeVerdict } from '../../src/vm/kvmProbe';
import { accelArgs, qemuArgs, qemuValue, VmSpec } from '../../src/vm/qemuArgs';
import { keyPairFromFileList } from '../../src/vm/vagrantKey';

const SPEC: VmSpec = {
  name: 'n1',
  accel: 'tcg',
  memoryMb: 1024,
  cpus: 2,
  kernel: '/c/box/vmlinuz',
  initrd: '/c/box/initrd.img',
  cmdline: 'console=ttyS0 root=/dev/vda rw panic=-1',
  disks: ['/v/vm.qcow2', '/v/data.qcow2'],
  sshPort: 40022,
  consoleLog: '/v/console.log',
  qmpSocket: '/v/qmp.sock',
  pidFile: '/v/qemu.pid',
};

/** The value after each occurrence of `option` in an argument list. */
function values(args: readonly string[], option: string): string[] {
  return args.flatMap((a, i) => (a === option ? [args[i + 1]] : []));
}

describe('VM box: QEMU arguments', () => {
  it('emulates with multi-threaded TCG when KVM is not usable, and uses the host CPU with KVM', () => {
    assert.deepEqual(accelArgs('tcg', 2), ['-accel', 'tcg,thread=multi', '-smp', '2']);
    assert.deepEqual(accelArgs('kvm', 4), ['-accel', 'kvm', '-cpu', 'host', '-smp', '4']);
    const tcg = qemuArgs(SPEC);
    assert.deepEqual(values(tcg, '-accel'), ['tcg,thread=multi']);
    assert.ok(!tcg.includes('-cpu'));
    assert.deepEqual(values(qemuArgs({ ...SPEC, accel: 'kvm' }), '-accel'), ['kvm']);
  });

  it('boots the box kernel and initrd directly, with the root disk first and the data disk second (vda, vdb)', () => {
    const args = qemuArgs(SPEC);
    assert.deepEqual(values(args, '-kernel'), ['/c/box/vmlinuz']);
    assert.deepEqual(values(args, '-initrd'), ['/c/box/initrd.img']);
    assert.deepEqual(values(args, '-append'), ['console=ttyS0 root=/dev/vda rw panic=-1']);
    assert.deepEqual(values(args, '-drive'), [
      'file=/v/vm.qcow2,format=qcow2,if=virtio',
      'file=/v/data.qcow2,format=qcow2,if=virtio',
    ]);
    assert.deepEqual(values(qemuArgs({ ...SPEC, disks: ['/v/vm.qcow2'] }), '-drive').length, 1);
  });

  it('forwards only 127.0.0.1:PORT to the guest’s SSH over user-mode networking', () => {
    const args = qemuArgs(SPEC);
    assert.deepEqual(values(args, '-netdev'), ['user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22']);
    assert.deepEqual(values(args, '-device'), ['virtio-net-pci,netdev=net0', 'virtio-rng-pci']);
    assert.ok(!args.some((a) => /bridge|tap/.test(a)));
  });

  it('runs detached with its console in a file, a QMP socket and a pid file, and exits on reboot or panic', () => {
    const args = qemuArgs(SPEC);
    assert.deepEqual(values(args, '-serial'), ['file:/v/console.log']);
    assert.deepEqual(values(args, '-qmp'), ['unix:/v/qmp.sock,server=on,wait=off']);
    assert.deepEqual(values(args, '-pidfile'), ['/v/qemu.pid']);
    assert.deepEqual(values(args, '-m'), ['1024']);
    for (const flag of ['-daemonize', '-no-reboot', '-nodefaults']) {
      assert.ok(args.includes(flag), flag);
    }
    // QEMU refuses -nographic together with -daemonize.
    assert.ok(!args.includes('-nographic'));
  });

  it('doubles commas in file names so that they cannot add options', () => {
    assert.equal(qemuValue('/a,b/c'), '/a,,b/c');
    const args = qemuArgs({ ...SPEC, disks: ['/x,format=raw/vm.qcow2'], qmpSocket: '/s,x/qmp.sock' });
    assert.deepEqual(values(args, '-drive'), ['file=/x,,format=raw/vm.qcow2,format=qcow2,if=virtio']);
    assert.deepEqual(values(args, '-qmp'), ['unix:/s,,x/qmp.sock,server=on,wait=off']);
  });
});

describe('VM box: recipe key and files', () => {
  const recipe = defaultRecipe('rootfs-key', 'ssh-rsa AAAA vagrant insecure public key\n');

  it('is stable, ignores package order and surrounding whitespace of the key', () => {
    assert.match(boxKey(recipe), /^[0-9a-f]{12}$/);
    assert.equal(boxKey(recipe), boxKey({ ...recipe, packages: [...recipe.packages].reverse() }));
    assert.equal(boxKey(recipe), boxKey({ ...recipe, publicKey: '  ssh-rsa AAAA vagrant insecure public key' }));
  });

  it('changes with anything that changes the box', () => {
    const key = boxKey(recipe);
    const variants = [
      { ...recipe, rootfsKey: 'other' },
      { ...recipe, packages: [...recipe.packages, 'htop'] },
      { ...recipe, setup: recipe.setup + '\ntrue\n' },
      { ...recipe, publicKey: 'ssh-ed25519 BBBB other' },
      { ...recipe, diskGb: recipe.diskGb + 1 },
      { ...recipe, cmdline: recipe.cmdline + ' quiet' },
    ];
    for (const v of variants) {
      assert.notEqual(boxKey(v), key, JSON.stringify(v).slice(0, 80));
    }
  });

  it('has the cloud kernel, sshd, sudo and docker, and leaves host keys and machine-id to the first boot', () => {
    for (const p of ['linux-image-cloud-amd64', 'systemd-sysv', 'openssh-server', 'sudo', 'docker.io']) {
      assert.ok(recipe.packages.includes(p), p);
    }
    assert.match(recipe.setup, /rm -f \/etc\/ssh\/ssh_host_\*/);
    assert.match(recipe.setup, /: > \/etc\/machine-id/);
    assert.match(recipe.setup, /ssh-keygen -q -N '' -t ed25519/);
    assert.match(recipe.setup, /\/dev\/vda \/ ext4 defaults 0 1/);
    assert.match(recipe.setup, /vagrant ALL=\(ALL\) NOPASSWD:ALL/);
    assert.match(recipe.cmdline, /root=\/dev\/vda/);
  });

  it('takes the kernel release from the tree’s one /boot/vmlinuz-*, and refuses none or two', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-vmbox-'));
    try {
      fs.mkdirSync(path.join(root, 'boot'));
      assert.throws(() => installedKernel(root), /found: none/);
      fs.writeFileSync(path.join(root, 'boot', 'vmlinuz-6.1.0-28-cloud-amd64'), '');
      fs.writeFileSync(path.join(root, 'boot', 'initrd.img-6.1.0-28-cloud-amd64'), '');
      assert.equal(installedKernel(root), '6.1.0-28-cloud-amd64');
      fs.writeFileSync(path.join(root, 'boot', 'vmlinuz-6.1.0-29-cloud-amd64'), '');
      assert.throws(() => installedKernel(root), /expected one kernel/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps every file of a box in one folder named by its key', () => {
    const files = boxFiles('/cache', 'abc123abc123');
    assert.equal(files.dir, '/cache/vm-box-abc123abc123');
    assert.equal(files.image, '/cache/vm-box-abc123abc123/box.img');
    assert.equal(files.boxFile, '/cache/vm-box-abc123abc123/swarmlab_qemu.box');
  });
});

describe('VM box: Vagrant metadata', () => {
  const meta = boxMetadata({
    diskGb: 8,
    cmdline: 'console=ttyS0 root=/dev/vda rw panic=-1',
    kernelRelease: '6.1.0-28-cloud-amd64',
    recipe: 'abc123abc123',
  });

  it('names the swarmlab_qemu provider, the qcow2 format and the kernel beside the disk', () => {
    const data = JSON.parse(metadataJson(meta)) as Record<string, unknown>;
    assert.equal(data['provider'], 'swarmlab_qemu');
    assert.equal(data['format'], 'qcow2');
    assert.equal(data['virtual_size'], 8);
    assert.equal(data['kernel'], 'vmlinuz');
    assert.equal(data['initrd'], 'initrd.img');
    assert.equal(data['kernel_release'], '6.1.0-28-cloud-amd64');
    assert.deepEqual(parseBoxMetadata(metadataJson(meta)), meta);
  });

  it('refuses the metadata of another provider or without a kernel', () => {
    assert.throws(() => parseBoxMetadata('{"provider":"libvirt","format":"qcow2"}'), /not a swarmlab_qemu box/);
    const noKernel = { ...meta, kernel: '' };
    assert.throws(() => parseBoxMetadata(JSON.stringify(noKernel)), /lacks "kernel"/);
  });

  it('ships a Vagrantfile that logs in as vagrant and lets Vagrant replace the insecure key', () => {
    const text = boxVagrantfile();
    assert.match(text, /Vagrant\.configure\("2"\)/);
    assert.match(text, /config\.ssh\.username = "vagrant"/);
    assert.match(text, /config\.ssh\.insert_key = true/);
  });
});

describe('VM box: Vagrant’s insecure key, KVM probe verdict, SSH', () => {
  it('finds the key pair in the vagrant package’s file list, old and new names', () => {
    const gem = '/usr/share/rubygems-integration/all/gems/vagrant-2.3.4';
    assert.deepEqual(keyPairFromFileList([`${gem}/keys`, `${gem}/keys/vagrant`, `${gem}/keys/vagrant.pub`, '']), {
      privateKey: `${gem}/keys/vagrant`,
      publicKey: `${gem}/keys/vagrant.pub`,
    });
    assert.deepEqual(
      keyPairFromFileList(['/g/keys/vagrant.key.ed25519', '/g/keys/vagrant.key.rsa', '/g/keys/vagrant.pub'])
        ?.privateKey,
      '/g/keys/vagrant.key.rsa',
    );
    assert.equal(keyPairFromFileList(['/g/templates/vagrant.pub', '/g/keys/README']), undefined);
  });

  it('says KVM is usable only when the guest kernel got as far as mounting root', () => {
    const panic = 'Linux version 6.1.0\nVFS: Cannot open root device "nonexistent"\nKernel panic - not syncing';
    assert.equal(probeVerdict(panic, 'exited', 0).usable, true);
    const msr = 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69';
    const aborted = probeVerdict(msr, 'exited', 1);
    assert.equal(aborted.usable, false);
    assert.match(aborted.reason, /MSR 0x10a/);
    const hung = probeVerdict('Probing EDD (edd=off to disable)... ok\n', 'deadline');
    assert.equal(hung.usable, false);
    assert.match(hung.reason, /in time.*Probing EDD/);
    assert.deepEqual(probeArgs('/k').slice(0, 4), ['-accel', 'kvm', '-cpu', 'host']);
  });

  it('logs in as vagrant on 127.0.0.1 with only the given key, without recording host keys', () => {
    const args = sshArgs(40022, '/v/key', 'sudo -n true');
    assert.deepEqual(args.slice(0, 4), ['-i', '/v/key', '-p', '40022']);
    assert.deepEqual(args.slice(-2), ['vagrant@127.0.0.1', 'sudo -n true']);
    for (const option of ['IdentitiesOnly=yes', 'BatchMode=yes', 'UserKnownHostsFile=/dev/null']) {
      assert.ok(args.includes(option), option);
    }
  });
});
