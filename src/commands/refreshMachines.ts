import { LocalLabService } from '../services/localLabService';
import { Command } from './command';

export function refreshMachinesCommand(lab: LocalLabService): Command {
  return { id: 'swarmLab.machines.refresh', execute: () => lab.refresh() };
}
