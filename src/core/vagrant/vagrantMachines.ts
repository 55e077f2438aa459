import { MachineDefinition, MachineState } from '../machines/machine';
import { checksHostKey, SshHostConfig } from './sshConfig';
import type { VagrantMachineStatus } from './vagrantStatus';

/** A machine of a Vagrantfile: its status, and how SSH reaches it when Vagrant could say. */
export interface VagrantMachine extends VagrantMachineStatus {
  readonly ssh?: SshHostConfig;
  /** Why `vagrant ssh-config` gave nothing for this running machine. */
  readonly sshError?: string;
}

export function vagrantMachineId(dir: string, name: string): string {
  return `vagrant:${dir.replace(/\/+$/, '')}/${name}`;
}

/**
 * The machine as the views know machines. Every machine of the Vagrantfile
 * is listed, created or not, so the view can offer `up`; one without an SSH
 * address has an empty host, port 0 and no key until it runs.
 */
export function toMachineDefinition(dir: string, vm: VagrantMachine): MachineDefinition {
  const ssh = vm.ssh;
  return {
    id: vagrantMachineId(dir, vm.name),
    name: vm.name,
    source: 'vagrant',
    host: ssh?.hostName ?? '',
    port: ssh?.port ?? 0,
    user: ssh?.user ?? '',
    identityFile: ssh?.identityFiles[0] ?? '',
    vagrant: {
      dir,
      machine: vm.name,
      provider: vm.provider,
      state: vm.state,
      label: vm.label,
      identityFiles: ssh?.identityFiles ?? [],
      // Without ssh-config there is no key to check either way; Vagrant's default is not to.
      checksHostKey: ssh ? checksHostKey(ssh) : false,
      ...(vm.sshError ? { sshError: vm.sshError } : {}),
    },
  };
}

/**
 * The state to show before any SSH probe: a running machine with an address
 * is worth probing ('connecting'); a running one without is unreachable for
 * the reason ssh-config gave; any other Vagrant state is 'stopped' (the
 * definition's `vagrant.label` says which kind of stopped).
 */
export function initialMachineState(def: MachineDefinition): MachineState {
  const v = def.vagrant;
  if (!v || v.state !== 'running') {
    return { kind: 'stopped' };
  }
  if (def.host) {
    return { kind: 'connecting' };
  }
  return { kind: 'unreachable', reason: v.sshError ?? '' };
}

/** Which actions make sense for a machine in this state (menus use it through contextValue). */
export type VagrantAction = 'up' | 'halt' | 'reload' | 'provision' | 'destroy';

export function availableActions(state: VagrantMachineStatus['state']): VagrantAction[] {
  switch (state) {
    case 'running':
      return ['halt', 'reload', 'provision', 'destroy'];
    case 'not_created':
      return ['up'];
    default:
      // poweroff, stopped, saved, aborted and the provider's rarer states all resume with `up`.
      return ['up', 'destroy'];
  }
}

/**
 * The tree item's contextValue for a Vagrant machine:
 * `machine.vagrant.<vagrant state>.<machine state kind>`, e.g.
 * `machine.vagrant.poweroff.stopped` or `machine.vagrant.running.running`.
 * It keeps the existing `^machine\..*\.running$` match (open terminal) and
 * lets menus tell `up` (not running) from halt/reload/provision (running)
 * and hide destroy on machines never created.
 */
export function vagrantContextValue(m: MachineDefinition & { readonly state: MachineState }): string {
  return `machine.vagrant.${m.vagrant?.state ?? 'other'}.${m.state.kind}`;
}
