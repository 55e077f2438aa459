import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBox } from '../../src/vm/box';
import { BoxMetadata, readBoxMetadata } from '../../src/vm/boxMetadata';
import { sshRun, waitForSsh } from '../../src/vm/guestSsh';
import { isRunning, RunningVm, startVm, stopVm } from '../../src/vm/qemu';
import { findVagrantKeyPair, privateKeyCopy } from '../../src/vm/vagrantKey';
import { CACHE_DIR } from '../harness/paths';

/**
 * The VM box for real (as root, with qemu-system-x86, qemu-utils and
 * vagrant installed): built once per recipe or found in the cache, then one
 * VM booted from it under QEMU (KVM when the probe says it works, else TCG)
 * with a data disk. Minutes on a cold cache, about a minute warm under TCG.
 * Run: npx tsc -p tsconfig.test.json && node out/test/harness/runTier.js vm
 */
const IMAGE_CACHE = process.env['SWARM_LAB_IMAGE_CACHE'] || path.join(CACHE_DIR, 'lab-images');

describe('VM box booted under QEMU', function () {
  let vm: RunningVm | undefined;
  let dir = '';
  let key = '';
  let meta: BoxMetadata;
  const guest = (command: string): Promise<string> => sshRun(vm!.sshPort, key, command);

  before(async function () {
    this.timeout(30 * 60_000);
    const log = (line: string): void => console.log(`      ${line}`);
    const { files } = await ensureBox({ cacheDir: IMAGE_CACHE, log });
    meta = readBoxMetadata(files.metadata);
    dir = fs.mkdtempSync(path.join(IMAGE_CACHE, 'vm-test-'));
    key = privateKeyCopy(await findVagrantKeyPair(), dir);
    const started = Date.now();
    vm = await startVm({
      dir,
      box: files,
      name: 'swarm-lab-vm-test',
      dataDiskGb: 2,
      kvmCacheFile: path.join(IMAGE_CACHE, 'kvm-probe.json'),
      log,
    });
    const running = vm;
    try {
      await waitForSsh(running.sshPort, key, { deadlineMs: 5 * 60_000, stillRunning: () => isRunning(running) });
    } catch (error) {
      const consoleTail = fs.readFileSync(running.consoleLog, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`${String(error)}\n--- console ---\n${consoleTail}`, { cause: error });
    }
    log(`SSH answered ${Math.round((Date.now() - started) / 1000)} s after start (${running.accel})`);
  });

  after(async function () {
    this.timeout(60_000);
    if (vm) {
      await stopVm(vm);
      assert.equal(isRunning(vm), false, 'QEMU is still running after stopVm');
    }
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the vagrant user in with Vagrant’s insecure key and sudo without a password', async () => {
    assert.equal((await guest('id -un')).trim(), 'vagrant');
    assert.equal((await guest('sudo -n id -u')).trim(), '0');
  });

  it('runs the box’s cloud kernel, matching its modules', async () => {
    const release = (await guest('uname -r')).trim();
    assert.equal(release, meta.kernel_release);
    assert.match(release, /-cloud-amd64$/);
  });

  it('loads IPVS, which Swarm’s routing mesh needs and the local lab lacks', async () => {
    await guest('sudo -n modprobe ip_vs');
    assert.match(await guest('sudo -n lsmod'), /^ip_vs\s/m);
  });

  it('sees the data disk as /dev/vdb', async () => {
    assert.equal((await guest('test -b /dev/vdb && echo yes')).trim(), 'yes');
    // 2 GiB, as created.
    assert.equal((await guest('cat /sys/block/vdb/size')).trim(), String((2 * 1024 ** 3) / 512));
  });

  it('made its own machine-id and SSH host keys on first boot', async () => {
    assert.match((await guest('cat /etc/machine-id')).trim(), /^[0-9a-f]{32}$/);
    assert.match(await guest('ls /etc/ssh'), /ssh_host_ed25519_key\.pub/);
  });
});
