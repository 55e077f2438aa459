import * as path from 'node:path';
import { MachineConnection } from '../clients/machines/machineConnection';
import { HostKeyPolicy } from '../clients/ssh/hostKeyPolicy';
import { VagrantCli } from '../clients/vagrant/vagrantCli';
import { english } from '../core/l10n';
import type { MachineDefinition } from '../core/machines/machine';
import { toMachineDefinition } from '../core/vagrant/vagrantMachines';
import { ensureLabImages, loadLabImages } from '../localLab/images/labImages';
import type { VmLab } from './vmLab';

/**
 * The VM lab's machines as the extension knows them: read from Vagrant by
 * the extension's own Vagrant client (status, then ssh-config), never from
 * the provider's files. Their connections check host keys against the
 * project's known_hosts, where `npm run vm -- up` accepts each new VM's key
 * on first sight (it made the VMs a moment before); a VM whose key then
 * changes is refused.
 */
export async function vmMachines(lab: VmLab, signal?: AbortSignal): Promise<MachineDefinition[]> {
  const cli = new VagrantCli(lab.projectDir, { env: definedOnly(lab.env()) });
  const machines = await cli.machines(signal ? { signal } : {});
  return machines.map((m) => toMachineDefinition(lab.projectDir, m));
}

/** The project's own known_hosts: the first key of each VM is pinned there. */
export function vmHostKeys(lab: VmLab): HostKeyPolicy {
  return new HostKeyPolicy({
    knownHostsFile: path.join(lab.projectDir, 'known_hosts'),
    confirmUnknownHost: () => Promise.resolve(true),
    hashHostNames: false,
  });
}

/**
 * The lab's images (the Debian base, the sample project's images and the
 * Debian-built stand-ins) into every running VM's engine, through its SSH
 * connection: from the cache, or built once on the first VM when the cache
 * has none. VMs that already have them are left alone.
 */
export async function loadVmImages(
  lab: VmLab,
  options: { cacheDir: string; samplesDir: string; signal?: AbortSignal; log?: (line: string) => void },
): Promise<Map<string, 'loaded' | 'present'>> {
  const running = (await vmMachines(lab, options.signal)).filter((m) => m.vagrant?.state === 'running' && m.host);
  if (running.length === 0) {
    throw new Error(`no running VM in ${lab.projectDir}: npm run vm -- up`);
  }
  const hostKeys = vmHostKeys(lab);
  const connections = running.map((m) => new MachineConnection(m, english, { hostKeys }));
  try {
    const engines = await Promise.all(connections.map(async (c) => (await c.engine()).docker()));
    const { tarball, images } = await ensureLabImages({
      builder: engines[0],
      cacheDir: options.cacheDir,
      samplesDir: options.samplesDir,
      ...(options.log ? { log: options.log } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const outcomes = await loadLabImages(tarball, images, engines, options.signal);
    return new Map(running.map((m, i) => [m.name, outcomes[i]]));
  } finally {
    connections.forEach((c) => c.close());
  }
}

/** process.env's shape with the unset keys dropped (VagrantCli takes strings only). */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
