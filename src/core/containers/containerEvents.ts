/**
 * Docker's event stream tells *that* a container changed, not its new
 * summary. This decides, per event, what the watcher must do.
 */

/** One message of `GET /events` (only the fields we read). */
export interface DockerEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
  readonly id?: string;
  readonly time?: number;
  readonly timeNano?: number;
}

export type ContainerEventEffect =
  | { readonly kind: 'refresh'; readonly id: string }
  | { readonly kind: 'remove'; readonly id: string }
  | { readonly kind: 'ignore' };

// Actions that change what the tree shows (state, status, name, health).
const REFRESHING = new Set([
  'create',
  'start',
  'restart',
  'die',
  'kill',
  'oom',
  'stop',
  'pause',
  'unpause',
  'rename',
  'update',
  'health_status',
]);

export function containerEventEffect(event: DockerEvent): ContainerEventEffect {
  if (event.Type !== undefined && event.Type !== 'container') {
    return { kind: 'ignore' };
  }
  const id = event.Actor?.ID ?? event.id;
  if (!id || !event.Action) {
    return { kind: 'ignore' };
  }
  // "health_status: healthy" carries its value after a colon.
  const action = event.Action.split(':')[0].trim();
  if (action === 'destroy') {
    return { kind: 'remove', id };
  }
  return REFRESHING.has(action) ? { kind: 'refresh', id } : { kind: 'ignore' };
}
