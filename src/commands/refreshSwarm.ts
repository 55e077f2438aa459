import { SwarmService } from '../services/swarmService';
import { Command } from './command';

export function refreshSwarmCommand(swarm: SwarmService): Command {
  return { id: 'swarmLab.swarm.refresh', execute: () => swarm.refresh() };
}
