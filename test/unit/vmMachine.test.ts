import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boxFilesInDir, machineState, parseMachineArgs } from '../../src/vm/machine';
import { labGroupFor, labMac, labNetArgs, parseLabGroup, qemuArgs, VmSpec } from '../../src/vm/qemuArgs';

const SPEC: VmSpec = {
  name: 'core-01',
  accel: 'tcg',
  memoryMb: 1024,
  cpus: 1,
  kernel: '/b/vmlinuz',
  initrd: '/b/initrd.img',
  cmdline: 'console=ttyS0 root=/dev/vda rw panic=-1',
  disks: ['/m/vm.qcow2'],
  sshPort: 40022,
  consoleLog: '/m/console.log',
  qmpSocket: '/m/qmp.sock',
  pidFile: '/m/qemu.pid',
};

describe('VM private segment: QEMU arguments', () => {
  const lab = { group: '239.1.2.3', port: 34567, mac: '52:54:00:aa:bb:cc' };

  it('joins a multicast group on loopback only, with the VM’s own MAC', () => {
    assert.deepEqual(labNetArgs(lab), [
      '-netdev',
      'socket,id=lab,mcast=239.1.2.3:34567,localaddr=127.0.0.1',
      '-device',
      'virtio-net-pci,netdev=lab,mac=52:54:00:aa:bb:cc',
    ]);
  });

  it('puts the private NIC after the user-mode one (the guest’s second interface), and only when asked', () => {
    const args = qemuArgs({ ...SPEC, labNet: lab });
    const netdevs = args.flatMap((a, i) => (a === '-netdev' ? [args[i + 1]] : []));
    assert.equal(netdevs.length, 2);
    assert.match(netdevs[0], /^user,id=net0,/);
    assert.match(netdevs[1], /^socket,id=lab,mcast=/);
    assert.ok(!qemuArgs(SPEC).some((a) => a.includes('mcast=')));
  });

  it('gives each project a group of its own in 239/8 and each VM a stable, locally administered MAC', () => {
    const a = labGroupFor('/home/me/lab-a');
    assert.deepEqual(labGroupFor('/home/me/lab-a'), a);
    assert.notDeepEqual(labGroupFor('/home/me/lab-b'), a);
    assert.match(a.group, /^239\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    assert.ok(a.port >= 20_000 && a.port < 60_000);
    assert.deepEqual(parseLabGroup(`${a.group}:${a.port}`), a);
    const mac = labMac('/p/.vagrant/machines/core-01/swarmlab_qemu');
    assert.match(mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    assert.equal(labMac('/p/.vagrant/machines/core-01/swarmlab_qemu'), mac);
    assert.notEqual(labMac('/p/.vagrant/machines/core-02/swarmlab_qemu'), mac);
  });

  it('refuses a group that is not multicast, or a port out of range', () => {
    assert.deepEqual(parseLabGroup('239.255.0.1:40000'), { group: '239.255.0.1', port: 40000 });
    for (const bad of ['10.0.0.1:40000', '239.1.2.3', '239.1.2.300:40000', '239.1.2.3:80', '239.1.2.3:70000', 'x']) {
      assert.throws(() => parseLabGroup(bad), /--lab-net/, bad);
    }
  });
});

describe('VM machine command: arguments', () => {
  it('parses start with everything the Vagrant provider passes', () => {
    const args = parseMachineArgs([
      'start',
      '--dir',
      '/p/.vagrant/machines/core-01/swarmlab_qemu',
      '--box',
      '/h/boxes/b/0/swarmlab_qemu',
      '--name',
      'core-01',
      '--memory',
      '1024',
      '--cpus',
      '1',
      '--data-disk-gb',
      '10',
      '--lab-net',
      '239.1.2.3:34567',
      '--accel',
      'tcg',
    ]);
    assert.deepEqual(args, {
      command: 'start',
      dir: '/p/.vagrant/machines/core-01/swarmlab_qemu',
      box: '/h/boxes/b/0/swarmlab_qemu',
      name: 'core-01',
      memoryMb: 1024,
      cpus: 1,
      dataDiskGb: 10,
      labNet: { group: '239.1.2.3', port: 34567 },
      accel: 'tcg',
    });
  });

  it('derives the group from a seed, and reads 0 GB as no data disk', () => {
    const args = parseMachineArgs([
      'start',
      '--dir',
      '/m',
      '--box',
      '/b',
      '--lab-net-seed',
      '/p',
      '--data-disk-gb',
      '0',
    ]);
    assert.deepEqual(args.labNet, labGroupFor('/p'));
    assert.equal(args.dataDiskGb, undefined);
  });

  it('makes --dir absolute and needs nothing else for state, stop and destroy', () => {
    assert.deepEqual(parseMachineArgs(['state', '--dir', 'rel']), { command: 'state', dir: path.resolve('rel') });
    assert.deepEqual(parseMachineArgs(['stop', '--dir', '/m', '--grace-s', '10']), {
      command: 'stop',
      dir: '/m',
      graceS: 10,
    });
  });

  it('refuses what it does not understand, saying what', () => {
    const cases: [string[], RegExp][] = [
      [['boot', '--dir', '/m'], /unknown machine command/],
      [[], /unknown machine command/],
      [['state'], /--dir is required/],
      [['start', '--dir', '/m'], /needs --box/],
      [['state', '--dir'], /--dir wants a value/],
      [['state', '--dir', '/m', '--colour', 'red'], /unknown option --colour/],
      [['start', '--dir', '/m', '--box', '/b', '--memory', '1G'], /--memory wants a whole number/],
      [['start', '--dir', '/m', '--box', '/b', '--cpus', '0'], /--cpus wants a whole number/],
      [['start', '--dir', '/m', '--box', '/b', '--accel', 'hvf'], /--accel wants kvm or tcg/],
      [['start', '--dir', '/m', '--box', '/b', '--lab-net', '1.2.3.4:5000'], /--lab-net wants/],
      [['start', '--dir', '/m', '--box', '/b', '--lab-net', '239.1.1.1:5000', '--lab-net-seed', 'x'], /exclude/],
    ];
    for (const [argv, error] of cases) {
      assert.throws(() => parseMachineArgs(argv), error, argv.join(' '));
    }
  });
});

describe('VM machine command: a folder’s state', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-machine-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is not_created without a disk, poweroff with one, and never running for a pid that is not QEMU', () => {
    assert.deepEqual(machineState(dir), { state: 'not_created' });
    fs.writeFileSync(path.join(dir, 'vm.qcow2'), '');
    assert.deepEqual(machineState(dir), { state: 'poweroff' });
    // This test's own pid: alive, but node, not qemu-system.
    fs.writeFileSync(path.join(dir, 'vm.json'), JSON.stringify({ pid: process.pid, sshPort: 2222 }));
    assert.deepEqual(machineState(dir), { state: 'poweroff' });
  });

  it('finds a box’s kernel and initrd by its metadata.json', () => {
    fs.writeFileSync(
      path.join(dir, 'metadata.json'),
      JSON.stringify({
        provider: 'swarmlab_qemu',
        kernel: 'vmlinuz',
        initrd: 'initrd.img',
        cmdline: 'x',
        kernel_release: 'r',
      }),
    );
    const files = boxFilesInDir(dir);
    assert.equal(files.image, path.join(dir, 'box.img'));
    assert.equal(files.kernel, path.join(dir, 'vmlinuz'));
    assert.equal(files.initrd, path.join(dir, 'initrd.img'));
  });
});
