import { SwarmService } from '../../../model/swarm/swarmService';
import { Command } from '../../../editor/command';

export function refreshSwarmCommand(swarm: SwarmService): Command {
  return { id: 'swarmLab.swarm.refresh', execute: () => swarm.refresh() };
}
