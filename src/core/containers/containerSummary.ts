/**
 * The extension's own view of a container, independent of dockerode's wire
 * types so that the model, the tree and the tests agree on one shape.
 */

export type ContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead'
  | 'unknown';

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
