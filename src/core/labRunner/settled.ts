/**
 * Deciding when to check again: swarm and machine events come in bursts
 * (a deploy, a node returning), and a check run in the middle of one reads
 * a swarm still moving. Each event restarts the wait; the checks are
 * evaluated once, when no event came for the settle time.
 */
import type { Timer } from './ports';

/** How long the swarm must stay quiet before its checks are evaluated again. */
export const CHECKS_SETTLE_MS = 1_500;

export interface Settled {
  /** An event: (re)starts the wait. */
  poke(): void;
  /** Nothing fires any more. */
  cancel(): void;
}

export function settled(timer: Timer, ms: number, fire: () => void): Settled {
  let handle: unknown;
  let pending = false;
  const stop = (): void => {
    if (pending) {
      timer.clear(handle);
      pending = false;
    }
  };
  return {
    poke: () => {
      stop();
      pending = true;
      handle = timer.set(() => {
        pending = false;
        fire();
      }, ms);
    },
    cancel: stop,
  };
}
