import type { ContainerHosts } from '../../../model/containers/containerHosts';
import type { ContainersNode } from '../containersTreeProvider';
import { Command } from '../../../editor/command';

/** From an engine's item: that engine only; from the view's title: every engine. */
export function refreshContainersCommand(hosts: ContainerHosts): Command {
  return {
    id: 'swarmLab.containers.refresh',
    async execute(arg: unknown) {
      const key = (arg as ContainersNode | undefined)?.kind === 'engine' ? (arg as { key: string }).key : undefined;
      const targets = hosts.hosts().filter((h) => key === undefined || h.key === key);
      await Promise.all(targets.map((h) => h.refresh()));
    },
  };
}
