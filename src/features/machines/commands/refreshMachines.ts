import { MachineRegistry } from '../../../model/machines/machineRegistry';
import type { SshTrust } from '../../../model/machines/sshTrust';
import { Command } from '../../../editor/command';

/** Reads every source and probes every machine again; a host key declined earlier may be asked again. */
export function refreshMachinesCommand(registry: MachineRegistry, trust: SshTrust): Command {
  return {
    id: 'swarmLab.machines.refresh',
    execute: () => {
      trust.forgetDeclined();
      return registry.refresh();
    },
  };
}
