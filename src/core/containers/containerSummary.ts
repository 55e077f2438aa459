/**
 * The extension's own view of a container, independent of dockerode's wire
 * types so that the model, the tree and the tests agree on one shape.
 */

export type ContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

export interface PortBinding {
  readonly privatePort: number;
  readonly type: string;
  readonly publicPort?: number;
  readonly hostIp?: string;
}

export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  /** Docker's human status, e.g. "Up 3 minutes" or "Exited (0) 2 seconds ago". */
  readonly status: string;
  readonly ports: readonly PortBinding[];
  /** Creation time, seconds since the epoch (as Docker reports it). */
  readonly created: number;
  readonly labels: Readonly<Record<string, string>>;
  /** The health check's verdict, for containers that have one. */
  readonly health?: ContainerHealth;
}

export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting';

/** The list API only gives the status text: "Up 2 minutes (healthy)", "Up 5 seconds (health: starting)". */
export function healthFromStatus(status: string): ContainerHealth | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)\s*$/.exec(status);
  return m ? (m[1] === 'health: starting' ? 'starting' : (m[1] as ContainerHealth)) : undefined;
}

function toHealth(raw: string | undefined): ContainerHealth | undefined {
  return raw === 'healthy' || raw === 'unhealthy' || raw === 'starting' ? raw : undefined;
}

/** The subset of `GET /containers/json` entries that we read. */
export interface RawContainerListEntry {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Status?: string;
  Created?: number;
  Ports?: { PrivatePort: number; PublicPort?: number; Type: string; IP?: string }[];
  Labels?: Record<string, string> | null;
}

const KNOWN_STATES: ReadonlySet<string> = new Set([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

export function toContainerState(raw: string | undefined): ContainerState {
  const s = (raw ?? '').toLowerCase();
  return KNOWN_STATES.has(s) ? (s as ContainerState) : 'unknown';
}

export function fromListEntry(raw: RawContainerListEntry): ContainerSummary {
  // Docker prefixes names with "/" (and lists link aliases as "/a/b"): the
  // container's own name is the entry with a single leading slash.
  const names = raw.Names ?? [];
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? raw.Id.slice(0, 12);
  return {
    id: raw.Id,
    name: own.replace(/^\//, ''),
    image: raw.Image ?? '',
    state: toContainerState(raw.State),
    status: raw.Status ?? '',
    created: raw.Created ?? 0,
    labels: raw.Labels ?? {},
    ...withHealth(healthFromStatus(raw.Status ?? '')),
    ports: dedupePorts(
      (raw.Ports ?? []).map((p) => ({
        privatePort: p.PrivatePort,
        type: p.Type,
        ...(p.PublicPort !== undefined ? { publicPort: p.PublicPort } : {}),
        ...(p.IP !== undefined && p.IP !== '' ? { hostIp: p.IP } : {}),
      })),
    ),
  };
}

/** Docker lists a port twice when it is bound on IPv4 and IPv6; show it once. */
function dedupePorts(ports: PortBinding[]): PortBinding[] {
  const seen = new Set<string>();
  const out: PortBinding[] = [];
  for (const p of ports) {
    const key = `${p.publicPort ?? ''}>${p.privatePort}/${p.type}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out.sort((a, b) => a.privatePort - b.privatePort || (a.publicPort ?? 0) - (b.publicPort ?? 0));
}

/** "0.0.0.0:8080→80/tcp" for a published port, "80/tcp" for an exposed one. */
export function formatPort(p: PortBinding): string {
  const target = `${p.privatePort}/${p.type}`;
  if (p.publicPort === undefined) {
    return target;
  }
  const ip = p.hostIp && p.hostIp !== '::' ? p.hostIp : '0.0.0.0';
  return `${ip}:${p.publicPort}→${target}`;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** The subset of `GET /containers/{id}/json` that we read. */
export interface RawContainerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  State?: { Status?: string; ExitCode?: number; StartedAt?: string; FinishedAt?: string; Health?: { Status?: string } };
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

/**
 * Inspect reads the container itself (under its lock), where the list reads
 * a replica that Docker updates only after it has sent the "die" event: the
 * watcher refreshes from inspect so a state change is never read stale.
 */
export function fromInspect(raw: RawContainerInspect, now: Date = new Date()): ContainerSummary {
  const state = toContainerState(raw.State?.Status);
  const ports: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(raw.NetworkSettings?.Ports ?? {})) {
    const [port, type = 'tcp'] = key.split('/');
    if (!bindings || bindings.length === 0) {
      ports.push({ privatePort: Number(port), type });
      continue;
    }
    for (const b of bindings) {
      ports.push({
        privatePort: Number(port),
        type,
        ...(b.HostPort ? { publicPort: Number(b.HostPort) } : {}),
        ...(b.HostIp ? { hostIp: b.HostIp } : {}),
      });
    }
  }
  return {
    id: raw.Id,
    name: (raw.Name ?? raw.Id.slice(0, 12)).replace(/^\//, ''),
    image: raw.Config?.Image ?? '',
    state,
    status: describeStatus(raw.State, state, now),
    created: raw.Created ? Math.floor(Date.parse(raw.Created) / 1000) : 0,
    labels: raw.Config?.Labels ?? {},
    ...withHealth(state === 'running' ? toHealth(raw.State?.Health?.Status) : undefined),
    ports: dedupePorts(ports),
  };
}

function withHealth(health: ContainerHealth | undefined): { health?: ContainerHealth } {
  return health ? { health } : {};
}

/** Docker's own wording ("Up 3 minutes", "Exited (0) 2 seconds ago"). */
function describeStatus(s: RawContainerInspect['State'], state: ContainerState, now: Date): string {
  const since = (iso: string | undefined): string => humanDuration(now.getTime() - Date.parse(iso ?? ''));
  switch (state) {
    case 'running': {
      const health = s?.Health?.Status ? ` (${s.Health.Status})` : '';
      return `Up ${since(s?.StartedAt)}${health}`;
    }
    case 'paused':
      return `Up ${since(s?.StartedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${s?.ExitCode ?? 0}) ${since(s?.FinishedAt)} ago`;
    case 'exited':
      return `Exited (${s?.ExitCode ?? 0}) ${since(s?.FinishedAt)} ago`;
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return s?.Status ?? '';
  }
}

/** Docker's wording of a duration (go-units HumanDuration), for status lines. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Number.isFinite(ms) ? ms / 1000 : 0);
  if (seconds < 1) {
    return 'Less than a second';
  }
  if (Math.floor(seconds) === 1) {
    return '1 second';
  }
  if (seconds < 60) {
    return `${Math.floor(seconds)} seconds`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) {
    return 'About a minute';
  }
  if (minutes < 60) {
    return `${minutes} minutes`;
  }
  const hours = Math.floor(seconds / 3600 + 0.5);
  if (hours === 1) {
    return 'About an hour';
  }
  if (hours < 48) {
    return `${hours} hours`;
  }
  if (hours < 24 * 7 * 2) {
    return `${Math.floor(hours / 24)} days`;
  }
  if (hours < 24 * 30 * 2) {
    return `${Math.floor(hours / 24 / 7)} weeks`;
  }
  if (hours < 24 * 365 * 2) {
    return `${Math.floor(hours / 24 / 30)} months`;
  }
  return `${Math.floor(hours / 24 / 365)} years`;
}
