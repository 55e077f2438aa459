/**
 * Which machines are the lab, decided here and nowhere else: the steps,
 * the checks, the panel's availability and section 1's "machines
 * reachable" check all start from the same source choice.
 */
import type { Machine, MachineSource } from '../machines/machine';

/** The order the lab's machines are looked for in: the local lab's, then Vagrant's, then SSH hosts. */
const LAB_SOURCES: readonly MachineSource[] = ['local-lab', 'vagrant', 'ssh'];

/** What the lab's machines are chosen from: the machines the registry lists, and its change event. */
export interface MachineList {
  machines(): readonly Machine[];
  readonly onDidChange: (listener: () => void) => { dispose(): void };
}

/** The lab's source: the first with a machine not stopped (a lab that is down reads as none). */
export function labSource(machines: readonly Machine[]): MachineSource | undefined {
  return LAB_SOURCES.find((s) => machines.some((m) => m.source === s && m.state.kind !== 'stopped'));
}

const byName = (a: Machine, b: Machine): number => a.name.localeCompare(b.name);

/**
 * The machines the lab's steps, checks and panel run on: the lab source's
 * machines not stopped, in name order (core-01 first).
 */
export function labMachines(list: MachineList | readonly Machine[]): Machine[] {
  const all = 'machines' in list ? list.machines() : list;
  const source = labSource(all);
  return all.filter((m) => m.source === source && m.state.kind !== 'stopped').sort(byName);
}

/**
 * The same machines with the stopped ones kept (a stopped machine of the
 * lab is not reachable, and the reachability check says so); when every
 * source is stopped, the first source that has machines at all.
 */
export function labMachinesOf(machines: readonly Machine[]): Machine[] {
  const source = labSource(machines) ?? LAB_SOURCES.find((s) => machines.some((m) => m.source === s));
  return machines.filter((m) => m.source === source).sort(byName);
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
