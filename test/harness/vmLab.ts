/**
 * The VM lab for the vm tier and the bench: a project of its own under the
 * image cache (short paths: QEMU's control socket must fit 107 bytes), the
 * lab runner on its VMs as the extension builds it for Vagrant machines
 * (machines read by the extension's Vagrant client, connections checking
 * host keys against a known_hosts of the test's, the VM path's steps), and
 * the settings an offline VM lab needs (the Debian-built stand-ins).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MachineConnection } from '../../src/clients/machines/machineConnection';
import { vmLabSteps } from '../../src/clients/steps/localLabCluster';
import { HostKeyPolicy, type UnknownHostQuestion } from '../../src/clients/ssh/hostKeyPolicy';
import { english } from '../../src/core/l10n';
import { offlineImages } from '../../src/core/labSteps/labImages';
import type { MachineDefinition } from '../../src/core/machines/machine';
import { run } from '../../src/localLab/run';
import { VmLab } from '../../src/vm/vmLab';
import { LAB_IMAGES, LAB_PROJECT_DIR, machinesRunner, type LocalLabRunner } from './localLab';
import { CACHE_DIR } from './paths';

export const VM_IMAGE_CACHE = process.env['SWARM_LAB_IMAGE_CACHE'] || path.join(CACHE_DIR, 'lab-images');
export const VM_NAMES = ['core-01', 'core-02', 'core-03'];

/** A VM lab in a new folder of the cache (`prefix-XXXX`), its VMs booting with the lab's images; its down() removes it. */
export function newVmLab(prefix: string, log: (line: string) => void): VmLab {
  fs.mkdirSync(VM_IMAGE_CACHE, { recursive: true });
  const projectDir = fs.mkdtempSync(path.join(VM_IMAGE_CACHE, `${prefix}-`));
  return new VmLab({ projectDir, cacheDir: VM_IMAGE_CACHE, samplesDir: LAB_IMAGES.samplesDir, log });
}

/** known_hosts of the test's own, where every question asked is recorded and answered yes. */
export function recordingHostKeys(file: string): { policy: HostKeyPolicy; asked: UnknownHostQuestion[] } {
  const asked: UnknownHostQuestion[] = [];
  const policy = new HostKeyPolicy({
    knownHostsFile: file,
    hashHostNames: false,
    confirmUnknownHost: (q) => {
      asked.push(q);
      return Promise.resolve(true);
    },
  });
  return { policy, asked };
}

/**
 * The lab runner on the VMs, with the VM path's steps: 3 managers, the
 * offline stand-ins (swarmLab.images), backups into `backupFolder`, and
 * timeouts for emulated VMs (a stack converges in minutes there).
 */
export function vmLabRunner(
  machines: () => readonly MachineDefinition[],
  hostKeys: HostKeyPolicy,
  backupFolder: string,
  log: (line: string) => void,
): LocalLabRunner {
  const options = {
    managers: 3,
    projectDir: LAB_PROJECT_DIR,
    images: offlineImages(),
    timeouts: { converge: 600_000 },
    backupFolder,
  };
  return machinesRunner(
    machines,
    (m) => new MachineConnection(m, english, { hostKeys }),
    (labMachines, connection) =>
      vmLabSteps(
        labMachines.map((definition) => ({ definition, connection: connection(definition) })),
        options,
      ),
    options,
    log,
  );
}

/**
 * `ssh` itself into a VM, strict: only the keys already pinned in
 * `knownHosts` are accepted (the lab runner's first connections pin them).
 * As the machine's user, with its key, or with `identityFile` instead.
 */
export function vmSsh(
  machines: () => readonly MachineDefinition[],
  knownHosts: string,
  identityFile?: string,
): (name: string, command: string) => Promise<string> {
  return (name, command) => {
    const m = machines().find((x) => x.name === name);
    if (!m) {
      return Promise.reject(new Error(`no machine ${name}`));
    }
    return run('ssh', [
      ...[
        '-i',
        identityFile ?? m.identityFile,
        '-p',
        String(m.port),
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
      ],
      ...['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'LogLevel=ERROR'],
      `${m.user}@${m.host}`,
      command,
    ]);
  };
}
