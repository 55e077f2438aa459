import * as fs from 'node:fs';
import { MachineDefinition } from '../../core/machines/machine';
import { LabLayout } from '../../localLab/labLayout';
import { hostKeyFile } from '../../localLab/nodeFiles';
import { LocalLab } from '../../localLab/localLab';

/**
 * The local lab as a machine source: one machine per node of the lab in
 * `stateDir`, reached as `core` with the lab's key, its host key pinned.
 * Nothing here connects; it only reads the lab's own files.
 */
export function localLabMachines(lab: LocalLab): { layout: LabLayout; machines: MachineDefinition[] } {
  const layout = lab.layout();
  const machines = layout.nodes
    .filter((n) => fs.existsSync(n.dir))
    .map((n): MachineDefinition => {
      const publicKey = `${hostKeyFile(n)}.pub`;
      const hostKey = fs.existsSync(publicKey) ? fs.readFileSync(publicKey, 'utf8').trim() : undefined;
      return {
        id: `local-lab:${n.name}`,
        name: n.name,
        source: 'local-lab',
        host: n.address,
        port: 22,
        user: 'core',
        identityFile: layout.coreKey,
        ...(hostKey ? { hostKey } : {}),
      };
    });
  return { layout, machines };
}
