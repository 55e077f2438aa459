import { LocalDockerEngine } from '../services/localDockerEngine';
import { Command } from './command';

export function refreshContainersCommand(local: LocalDockerEngine): Command {
  return {
    id: 'swarmLab.containers.refresh',
    execute: () => local.refresh(),
  };
}
