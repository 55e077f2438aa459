/**
 * Where each image is: for every node, the images its engine holds (one
 * list per node, replaced whenever the engine's image events say it
 * changed), and what is known of the lab registry. Pure: the extension feeds
 * it from the machines' engines, the lenses and hovers read reports from it.
 */
import { english, Localizer } from '../l10n';
import { formatImageReference, ImageReference, normalizeImageReference, parseImageReference } from './imageReference';

/** One image as an engine lists it (`GET /images/json`). */
export interface EngineImage {
  readonly id: string;
  /** `python-app:latest`, `m1.swarm:5000/python-app:latest`; `<none>:<none>` entries are ignored. */
  readonly tags: readonly string[];
  /** Seconds since the epoch, as Docker gives it. */
  readonly created: number;
}

export interface NodeImage {
  readonly node: string;
  readonly id: string;
  readonly created: number;
}

export type RegistryState = 'present' | 'absent';

export interface PresenceReport {
  /** The nodes followed, in their order. */
  readonly nodes: readonly string[];
  /** Nodes holding the image, in node order. */
  readonly present: readonly NodeImage[];
  /** Nodes whose images are known and do not include it. */
  readonly missing: readonly string[];
  /** Nodes whose images are not known yet (not listed, unreachable). */
  readonly unknown: readonly string[];
  /**
   * The ID most nodes hold (ties: the newest); nodes with another ID for the
   * same tag hold a stale (or newer) build.
   */
  readonly mainId?: string;
  readonly differing: readonly NodeImage[];
  readonly registry?: RegistryState;
}

/**
 * The key under which Docker finds an image: `redis` and
 * `docker.io/library/redis:latest` are one image. Undefined for what is not a
 * tag reference (`<none>:<none>`, an interpolated value, a digest-only one).
 */
export function imageKey(reference: string | ImageReference): string | undefined {
  let ref: ImageReference;
  if (typeof reference === 'string') {
    const parsed = parseImageReference(reference);
    if (!parsed.ok) {
      return undefined;
    }
    ref = parsed.ref;
  } else {
    ref = reference;
  }
  if (ref.digest !== undefined) {
    return undefined;
  }
  return formatImageReference(normalizeImageReference(ref));
}

type Listener = () => void;

export class ImagePresence {
  private nodeNames: string[] = [];
  /** node → image key → the image holding that tag there. */
  private readonly byNode = new Map<string, Map<string, NodeImage>>();
  private readonly registry = new Map<string, RegistryState>();
  private readonly listeners = new Set<Listener>();
  private revision = 0;

  /** Bumped on every change: callers cache what they derive from the model against it. */
  get version(): number {
    return this.revision;
  }

  get nodes(): readonly string[] {
    return this.nodeNames;
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The nodes to report on; images of nodes no longer listed are forgotten. */
  setNodes(names: readonly string[]): void {
    if (names.length === this.nodeNames.length && names.every((n, i) => n === this.nodeNames[i])) {
      return;
    }
    this.nodeNames = [...names];
    for (const node of [...this.byNode.keys()]) {
      if (!names.includes(node)) {
        this.byNode.delete(node);
      }
    }
    this.changed();
  }

  /** A node's full image list, as just read from its engine. */
  replaceImages(node: string, images: readonly EngineImage[]): void {
    const index = new Map<string, NodeImage>();
    for (const image of images) {
      for (const tag of image.tags) {
        const key = imageKey(tag);
        if (key !== undefined) {
          index.set(key, { node, id: image.id, created: image.created });
        }
      }
    }
    const before = this.byNode.get(node);
    if (before && sameIndex(before, index)) {
      return;
    }
    this.byNode.set(node, index);
    this.changed();
  }

  /** The node's images are no longer known (its engine dropped): its presence is unknown, not missing. */
  forgetImages(node: string): void {
    if (this.byNode.delete(node)) {
      this.changed();
    }
  }

  hasImages(node: string): boolean {
    return this.byNode.has(node);
  }

  setRegistry(reference: string, state: RegistryState | undefined): void {
    const key = imageKey(reference);
    if (key === undefined || this.registry.get(key) === state) {
      return;
    }
    if (state === undefined) {
      this.registry.delete(key);
    } else {
      this.registry.set(key, state);
    }
    this.changed();
  }

  registryState(reference: string | ImageReference): RegistryState | undefined {
    const key = imageKey(reference);
    return key === undefined ? undefined : this.registry.get(key);
  }

  /** Undefined for a reference that names no tag Docker could hold (digest, invalid). */
  report(reference: string | ImageReference): PresenceReport | undefined {
    const key = imageKey(reference);
    if (key === undefined) {
      return undefined;
    }
    const present: NodeImage[] = [];
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const node of this.nodeNames) {
      const index = this.byNode.get(node);
      const image = index?.get(key);
      if (!index) {
        unknown.push(node);
      } else if (image) {
        present.push(image);
      } else {
        missing.push(node);
      }
    }
    const mainId = mostCommonId(present);
    const registry = this.registry.get(key);
    return {
      nodes: this.nodeNames,
      present,
      missing,
      unknown,
      ...(mainId !== undefined ? { mainId } : {}),
      differing: present.filter((p) => p.id !== mainId),
      ...(registry !== undefined ? { registry } : {}),
    };
  }

  private changed(): void {
    this.revision++;
    for (const l of [...this.listeners]) {
      l();
    }
  }
}

function sameIndex(a: ReadonlyMap<string, NodeImage>, b: ReadonlyMap<string, NodeImage>): boolean {
  if (a.size !== b.size) {
    return false;
  }
  for (const [key, image] of a) {
    const other = b.get(key);
    if (!other || other.id !== image.id || other.created !== image.created) {
      return false;
    }
  }
  return true;
}

function mostCommonId(present: readonly NodeImage[]): string | undefined {
  const counts = new Map<string, { count: number; created: number }>();
  for (const p of present) {
    const c = counts.get(p.id) ?? { count: 0, created: p.created };
    counts.set(p.id, { count: c.count + 1, created: Math.max(c.created, p.created) });
  }
  let best: [string, { count: number; created: number }] | undefined;
  for (const entry of counts) {
    if (
      !best ||
      entry[1].count > best[1].count ||
      (entry[1].count === best[1].count && entry[1].created > best[1].created)
    ) {
      best = entry;
    }
  }
  return best?.[0];
}

/** `sha256:0123456789ab…` → `0123456789ab`, as `docker images` shows it. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** How many names a lens lists before "and N more". */
const NAMES_SHOWN = 2;

function names(list: readonly string[], l10n: Localizer): string {
  if (list.length <= NAMES_SHOWN) {
    return list.join(', ');
  }
  return l10n.t('{0} and {1} more', list.slice(0, NAMES_SHOWN).join(', '), list.length - NAMES_SHOWN);
}

/**
 * The few words a lens shows: `3/3 nodes`, `1/3 nodes · missing on core-02,
 * core-03`, `in registry`, `different builds on core-02`. Empty when nothing
 * is known (no node followed yet and no registry answer).
 */
export function presenceSummary(report: PresenceReport, l10n: Localizer = english): string {
  const parts: string[] = [];
  const known = report.present.length + report.missing.length;
  if (report.nodes.length > 0 && known > 0) {
    parts.push(l10n.t('{0}/{1} nodes', report.present.length, report.nodes.length));
    if (report.missing.length > 0 && report.present.length > 0) {
      parts.push(l10n.t('missing on {0}', names(report.missing, l10n)));
    }
    if (report.differing.length > 0) {
      parts.push(l10n.t('different build on {0}', names([...new Set(report.differing.map((d) => d.node))], l10n)));
    }
    if (report.unknown.length > 0) {
      parts.push(l10n.t('{0} not reachable', names(report.unknown, l10n)));
    }
  } else if (report.nodes.length > 0) {
    parts.push(l10n.t('checking {0} nodes…', report.nodes.length));
  }
  if (report.registry === 'present') {
    parts.push(l10n.t('in registry'));
  } else if (report.registry === 'absent') {
    parts.push(l10n.t('not in registry'));
  }
  return parts.join(' · ');
}

/** The lens's icon: all is well, something is missing or differs, or nothing is known. */
export function presenceIcon(report: PresenceReport): 'check' | 'warning' | 'circle-slash' | 'sync~spin' | 'cloud' {
  const known = report.present.length + report.missing.length;
  if (report.nodes.length === 0 || known === 0) {
    return report.nodes.length > 0 ? 'sync~spin' : 'cloud';
  }
  if (report.present.length === 0) {
    return report.registry === 'present' ? 'cloud' : 'circle-slash';
  }
  return report.missing.length > 0 || report.differing.length > 0 || report.unknown.length > 0 ? 'warning' : 'check';
}
