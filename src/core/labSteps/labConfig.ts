/**
 * The settings and facts the lab's steps are built from, the swarm layout
 * rule, and the shapes of a lab step (one id of labs/tp1/ids.md, run as one
 * or more engine steps) and of a lab check.
 */
import type { Localizer } from '../l10n';
import type { HarborSettings } from './harbor';
import type { Cluster, NodeSession, NodeTarget, Step, StepTargets } from '../steps/step';

/** A file of the lab's compose project (samples/tp1), path relative to the project's folder. */
export interface ProjectFile {
  readonly path: string;
  readonly content: string;
}

export interface LabStepConfig {
  /** The local lab's nodes are namespaces of this machine: no Internet, no IPVS (no routing mesh). */
  readonly environment: 'local-lab' | 'vm';
  /** The keepalived virtual IP. */
  readonly virtualIp: string;
  /** The nodes' private-network interface (keepalived's). */
  readonly interface: string;
  /** The lab registry as the compose file names it. */
  readonly registry: string;
  readonly stackName: string;
  /** The compose project: docker-compose.yml, python-app/, proxy/. */
  readonly project: readonly ProjectFile[];
  /** Overlay address pool for `swarm init`, when the default (10.0.0.0/8) would cover the lab's own addresses. */
  readonly addressPool?: string;
  /** A folder every node sees as the same one (the registry's storage when it runs on every node). */
  readonly sharedFolder?: string;
  /**
   * Where the lab's `/data` files go (the proxy's folder and certificates):
   * `/data` on VMs (section 5's shared storage); in the local lab, a folder
   * of this machine that every node sees.
   */
  readonly dataFolder?: string;
  /** Where compose.install downloads docker-compose from, `-$(uname -s)-$(uname -m)` appended. */
  readonly composeUrl: string;
  /** Bounds of the waits, in ms (tests lower them). */
  readonly timeouts: { readonly converge: number; readonly engine: number; readonly failover: number };
  /**
   * Image names by role (labImages.ts), from the `swarmLab.images` setting:
   * they replace the defaults, in the local lab too (a teacher's archives
   * may bring the real images there).
   */
  readonly images?: Readonly<Record<string, string>>;
  /** Another node's session, for steps that look across nodes (where the virtual IP went). */
  readonly sessionOf: (node: string, signal: AbortSignal) => Promise<NodeSession>;
  /** Where backup.now writes its archives (a folder of the workspace); none without one. */
  readonly backups?: BackupStore;
  /** Where backup.rehearse records what it found (outside the workspace); none: no rehearsal. */
  readonly rehearsals?: RehearsalRecords;
  /**
   * Starts a fresh local lab (another instance, its images loaded, no
   * swarm yet) for the restore rehearsal; none where this machine cannot.
   */
  readonly freshLab?: (signal: AbortSignal, log: (text: string) => void) => Promise<FreshLab>;
  /** Harbor's settings (section 13), its passwords from VS Code's secret storage; none: not asked yet. */
  readonly harbor?: Partial<HarborSettings>;
  /** Weave Scope's service token, from VS Code's secret storage; empty or absent: Scope stand-alone. */
  readonly scopeToken?: string;
  /** Values the extension keeps as secrets (the Scope token): masked, and never written to a backup. */
  readonly knownSecrets?: readonly string[];
}

/** A folder of this machine for the backups, written atomically (a temporary file renamed). */
export interface BackupStore {
  /** The folder, as the log and the report show it. */
  readonly folder: string;
  /** The file names in the folder (none when it does not exist yet). */
  list(): Promise<string[]>;
  read(name: string): Promise<Uint8Array>;
  /** Writes (or replaces) a file at once; its full path. */
  write(name: string, data: Uint8Array): Promise<string>;
}

/** What a restore rehearsal found, for the archive of that SHA-256. */
export interface RehearsalRecord {
  readonly archive: string;
  readonly sha256: string;
  readonly at: string;
  readonly ok: boolean;
  readonly why: string;
}

/**
 * Where rehearsals are recorded: the extension's own storage, never the
 * workspace, where a record beside an archive could be written by anyone
 * (a forged "restored: ok"). Keyed by the archive's SHA-256.
 */
export interface RehearsalRecords {
  read(sha256: string): Promise<RehearsalRecord | undefined>;
  write(record: RehearsalRecord): Promise<void>;
}

/** A lab started for a rehearsal: its nodes, its steps' settings, and its teardown. */
export interface FreshLab {
  readonly cluster: Cluster;
  readonly config: LabStepConfig;
  /** Stops the lab and removes it (its state too). */
  dispose(): Promise<void>;
}

export const DEFAULT_TIMEOUTS = { converge: 240_000, engine: 120_000, failover: 30_000 } as const;
export const STACK_NAME = 'python_dirty_app';
/** The name the lab's compose files give the registry: the first manager's. */
export const LAB_REGISTRY_HOST = 'm1.swarm';
/** The lab's registry, as its compose files name it; also the default of `swarmLab.registry`. */
export const LAB_REGISTRY = `${LAB_REGISTRY_HOST}:5000`;
/** The last docker-compose 1.x: the lab's compose file is format 3.8, newer than the 1.23.1 the lab names. */
export const COMPOSE_URL = 'https://github.com/docker/compose/releases/download/1.29.2/docker-compose';
/** The lab's virtual IP on its VMs; the local lab uses its own subnet's .100. */
export const LAB_VIRTUAL_IP = '172.17.8.100';
export const LAB_INTERFACE = 'eth1';

/**
 * How many managers the swarm gets out of `wanted` (the setting) on
 * `nodeCount` nodes: an odd number (an even one tolerates no more failures
 * than one fewer, and risks a split vote), and at least one worker when
 * there are two nodes or more, because the lab's stack places its services
 * on workers only. 5 nodes and 3 wanted: 3 + 2; 3 nodes: 1 + 2.
 */
export function managerCount(nodeCount: number, wanted: number): number {
  if (nodeCount <= 1) {
    return nodeCount;
  }
  let m = Math.max(1, Math.min(Math.floor(wanted), nodeCount - 1));
  if (m % 2 === 0) {
    m -= 1;
  }
  return m;
}

/**
 * The roles of the lab's nodes, in order: the nodes already managers stay
 * managers (demoting is never a side effect of a step), then the first
 * nodes fill the remaining manager places.
 */
export function swarmRoles(
  names: readonly string[],
  wanted: number,
  currentManagers: ReadonlySet<string> = new Set(),
): Map<string, 'manager' | 'worker'> {
  const count = Math.max(managerCount(names.length, wanted), names.filter((n) => currentManagers.has(n)).length);
  const managers = new Set(names.filter((n) => currentManagers.has(n)));
  for (const name of names) {
    if (managers.size >= count) {
      break;
    }
    managers.add(name);
  }
  return new Map(names.map((n) => [n, managers.has(n) ? 'manager' : 'worker']));
}

/** One step of the lab (an id of labs/tp1/ids.md): one engine step or several run in order. */
export interface LabStep {
  readonly id: string;
  readonly title: string;
  /** The lab section (its number) it belongs to. */
  readonly section: number;
  readonly phases: readonly Step<unknown>[];
  /**
   * Why it cannot run in this environment (Ceph needs the VMs' data disks,
   * Harbor's installer needs the Internet): said instead of running.
   */
  readonly unavailable?: string;
}

/** A step as written: `unavailable` is left out when there is no reason (the step can run here). */
export function labStep(step: LabStep): LabStep {
  return withoutNoReason(step);
}

/** The step of one phase, in `section`, named as its phase; `unavailable` as labStep takes it. */
export function singlePhaseStep<M>(phase: Step<M>, section: number, unavailable?: string): LabStep {
  return labStep({ id: phase.id, title: phase.title, section, phases: [phase], unavailable });
}

/** What one node says for a check. */
export interface NodeCheck {
  readonly ok: boolean;
  readonly why: string;
  /** A fact for the cross-node verdict (e.g. "holds the virtual IP"). */
  readonly fact?: string;
}

export interface CheckContext {
  readonly node: NodeTarget;
  readonly nodes: readonly NodeTarget[];
  readonly session: NodeSession;
  readonly signal: AbortSignal;
  readonly l10n: Localizer;
}

export type CheckState = 'pass' | 'fail' | 'unknown';

export interface CheckVerdict {
  readonly state: CheckState;
  readonly why: string;
}

export interface LabCheck {
  readonly id: string;
  readonly title: string;
  readonly section: number;
  readonly targets: StepTargets;
  /** Why it cannot be checked in this environment; the check is then unknown, with this reason. */
  readonly unavailable?: string;
  node(ctx: CheckContext): Promise<NodeCheck>;
  /** The verdict from every node's answer; by default every node must be ok. */
  verdict?(results: ReadonlyMap<string, NodeCheck>, l10n: Localizer): CheckVerdict;
}

/** A check as written: `unavailable` is left out when there is no reason (the check can run here). */
export function labCheck(check: LabCheck): LabCheck {
  return withoutNoReason(check);
}

function withoutNoReason<T extends { readonly unavailable?: string }>(thing: T): T {
  const { unavailable, ...rest } = thing;
  return unavailable !== undefined ? thing : (rest as T);
}
