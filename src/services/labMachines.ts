import type { Machine } from '../core/machines/machine';

/** What the lab's machines are chosen from: the machines the registry lists, and its change event. */
export interface MachineList {
  machines(): readonly Machine[];
  readonly onDidChange: (listener: () => void) => { dispose(): void };
}

/**
 * The machines the lab's steps, checks and panel run on, decided in one
 * place: the local lab's when it has any, else the Vagrant machines, else
 * the SSH hosts; in name order (core-01 first). Stopped machines are left
 * out, so a lab that is down reads as "no lab machines yet".
 */
export function labMachines(list: MachineList): Machine[] {
  const all = list.machines();
  for (const source of ['local-lab', 'vagrant', 'ssh'] as const) {
    const mine = all.filter((m) => m.source === source && m.state.kind !== 'stopped');
    if (mine.length > 0) {
      return mine.sort((a, b) => a.name.localeCompare(b.name));
    }
  }
  return [];
}

/** Fires when the lab's machines change (which source, which names), not on every read of their states. */
export function onDidChangeLabMachines(list: MachineList, listener: () => void): { dispose(): void } {
  const key = (): string =>
    labMachines(list)
      .map((m) => `${m.source}:${m.name}`)
      .join(' ');
  let last = key();
  return list.onDidChange(() => {
    const now = key();
    if (now !== last) {
      last = now;
      listener();
    }
  });
}
