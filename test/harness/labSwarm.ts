import Docker from 'dockerode';
import { LabLayout, SWARM_ADDRESS_POOL } from '../../src/localLab/labLayout';

/**
 * Makes every node of a lab a manager of one fresh swarm, through each
 * node's own engine (whatever swarm they were in before is left first).
 * Returns a client per node.
 */
export async function formManagerSwarm(layout: LabLayout): Promise<Docker[]> {
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  await Promise.all(docker.map((d) => leaveSwarm(d)));
  const [first, ...others] = layout.nodes;
  await docker[0].swarmInit({
    ListenAddr: `${first.address}:2377`,
    AdvertiseAddr: first.address,
    // The default pool (10.0.0.0/8) would cover the lab's own addresses.
    DefaultAddrPool: [SWARM_ADDRESS_POOL],
    SubnetSize: 24,
  });
  const { JoinTokens } = (await docker[0].swarmInspect()) as { JoinTokens: { Manager: string } };
  await Promise.all(
    others.map((n, i) =>
      docker[i + 1].swarmJoin({
        ListenAddr: `${n.address}:2377`,
        AdvertiseAddr: n.address,
        RemoteAddrs: [`${first.address}:2377`],
        JoinToken: JoinTokens.Manager,
      }),
    ),
  );
  return docker;
}

/**
 * Takes every node out of whatever swarm it is in, checked: a tier starts
 * from nodes that are in no swarm, whatever the tier before left (the
 * nodes' engines keep their swarm state across a lab's down and up).
 */
export async function leaveAllSwarms(layout: LabLayout): Promise<void> {
  await Promise.all(layout.nodes.map((n) => leaveSwarm(new Docker({ socketPath: n.dockerSocket }))));
}

/**
 * Leaves whatever swarm the engine is in, and makes sure it did: on a loaded
 * machine a forced leave can time out and leave the node in (a join would then
 * fail with "already part of a swarm"). Bounded: a few tries, then the error.
 */
async function leaveSwarm(d: Docker): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await d.swarmLeave({ force: true }).catch(() => undefined);
    const info = (await d.info()) as { Swarm?: { LocalNodeState?: string } };
    const state = info.Swarm?.LocalNodeState ?? 'inactive';
    if (state === 'inactive') {
      return;
    }
    if (attempt >= 5) {
      throw new Error(`the node is still in a swarm (${state}) after ${attempt + 1} forced leaves`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
