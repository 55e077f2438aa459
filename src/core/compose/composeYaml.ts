/**
 * Reads the services of a compose file from `yaml`'s document nodes, the way
 * Compose resolves them: aliases, merge keys (`<<: *common`), one document
 * after another. Nodes keep their source ranges, which is all the edits need.
 */
import type * as Yaml from 'yaml';
import { DocumentIndex, DUPLICATE_KEY_MESSAGE, indexDocument } from './composeIndex';

export type YamlModule = typeof Yaml;

let loading: Promise<YamlModule> | undefined;

/** `yaml` is a sizeable parser: load it with the first compose file, not at activation. */
export function loadYaml(): Promise<YamlModule> {
  loading ??= import('yaml');
  return loading;
}

/** A value reached from a service, and the anchor it was reached through, if any. */
export interface Reached {
  readonly node: Yaml.Node | null;
  /** The first alias on the way (`*common`), when the value is not written in the service itself. */
  readonly via?: string;
}

export interface ServiceNodes {
  readonly name: string;
  readonly document: number;
  /** Offset of the service's key, where a lens goes when the image is not in the service itself. */
  readonly keyOffset: number;
  /** The service's mapping once aliases are followed; undefined for a service that is not a mapping. */
  readonly map?: Yaml.YAMLMap;
  /** The service's mapping is written elsewhere (`web2: *web`): nothing may be inserted into it. */
  readonly mapVia?: string;
  readonly imagePair?: Yaml.Pair;
  readonly image?: Reached;
  /** The service builds its image, with `build:` written in it or merged into it. */
  readonly build: boolean;
  readonly buildPair?: Yaml.Pair;
  /** An alias with no anchor before it, met while looking for the image or the build. */
  readonly unresolvedAlias?: { readonly name: string; readonly offset?: number };
}

export interface ComposeDocuments {
  readonly documents: readonly Yaml.Document.Parsed[];
  readonly errors: readonly Yaml.YAMLError[];
}

/** Each parsed document's index (its aliases' anchors, its duplicate keys), from its one walk. */
const indexes = new WeakMap<Yaml.Document.Parsed, DocumentIndex>();

export function parseCompose(Y: YamlModule, text: string): ComposeDocuments {
  // Compose reads YAML merge keys, and rejects duplicate keys: they are
  // found by the one walk of indexDocument, in linear time, instead of by
  // yaml's uniqueKeys check, quadratic in each mapping's size.
  const documents = Y.parseAllDocuments(text, { merge: true, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [];
  for (const doc of list) {
    const index = indexDocument(Y, doc);
    indexes.set(doc, index);
    if (index.duplicateKeys.length > 0) {
      doc.errors.push(
        ...index.duplicateKeys.map((at) => new Y.YAMLParseError([at, at + 1], 'DUPLICATE_KEY', DUPLICATE_KEY_MESSAGE)),
      );
      doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
    }
  }
  return { documents: list, errors: list.flatMap((d) => d.errors) };
}

function isMergeKey(Y: YamlModule, key: unknown): boolean {
  if (!Y.isScalar(key)) {
    return false;
  }
  // With `merge: true` the parser turns a plain `<<` key into a symbol.
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && key.type === 'PLAIN');
}

/** Where resolution went through an anchor that does not exist. */
class UnresolvedAlias {
  constructor(
    readonly name: string,
    readonly offset?: number,
  ) {}
}

function aliasTarget(Y: YamlModule, doc: Yaml.Document.Parsed, alias: Yaml.Alias): Yaml.Node | undefined {
  let index = indexes.get(doc);
  if (!index) {
    index = indexDocument(Y, doc);
    indexes.set(doc, index);
  }
  return index.aliases.get(alias);
}

function resolve(
  Y: YamlModule,
  doc: Yaml.Document.Parsed,
  node: unknown,
): Yaml.Node | null | UnresolvedAlias | undefined {
  if (Y.isAlias(node)) {
    const target = aliasTarget(Y, doc, node);
    return target ?? new UnresolvedAlias(node.source, node.range?.[0]);
  }
  return Y.isNode(node) ? node : node === null ? null : undefined;
}

interface Found {
  readonly pair: Yaml.Pair;
  readonly via?: string;
}

/**
 * The pair for `key` in a mapping: its own key first, then the merged
 * mappings in order, as YAML merge keys define precedence.
 */
function lookup(
  Y: YamlModule,
  doc: Yaml.Document.Parsed,
  map: Yaml.YAMLMap,
  key: string,
  seen: Set<Yaml.YAMLMap> = new Set(),
): Found | UnresolvedAlias | undefined {
  if (seen.has(map)) {
    return undefined;
  }
  seen.add(map);
  const own = map.items.find((p) => Y.isScalar(p.key) && p.key.value === key);
  if (own) {
    return { pair: own };
  }
  for (const pair of map.items) {
    if (!isMergeKey(Y, pair.key)) {
      continue;
    }
    const sources: unknown[] = Y.isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const target = resolve(Y, doc, source);
      if (target instanceof UnresolvedAlias) {
        return target;
      }
      if (!Y.isMap(target)) {
        continue;
      }
      const found = lookup(Y, doc, target, key, seen);
      if (found instanceof UnresolvedAlias) {
        return found;
      }
      if (found) {
        return { pair: found.pair, via: found.via ?? (Y.isAlias(source) ? source.source : undefined) };
      }
    }
  }
  return undefined;
}

function reach(Y: YamlModule, doc: Yaml.Document.Parsed, found: Found): Reached | UnresolvedAlias {
  const value = found.pair.value;
  const node = resolve(Y, doc, value);
  if (node instanceof UnresolvedAlias) {
    return node;
  }
  const via = found.via ?? (Y.isAlias(value) ? value.source : undefined);
  return { node: node ?? null, ...(via !== undefined ? { via } : {}) };
}

function serviceNodes(
  Y: YamlModule,
  doc: Yaml.Document.Parsed,
  document: number,
  pair: Yaml.Pair,
): ServiceNodes | undefined {
  if (!Y.isScalar(pair.key) || pair.key.range === null || pair.key.range === undefined) {
    return undefined;
  }
  const base = { name: String(pair.key.value), document, keyOffset: pair.key.range[0], build: false };
  const value = resolve(Y, doc, pair.value);
  if (value instanceof UnresolvedAlias) {
    return { ...base, unresolvedAlias: value };
  }
  if (!Y.isMap(value)) {
    return base;
  }
  const mapVia = Y.isAlias(pair.value) ? pair.value.source : undefined;
  const withMap = { ...base, map: value, ...(mapVia !== undefined ? { mapVia } : {}) };
  const image = lookup(Y, doc, value, 'image');
  const build = lookup(Y, doc, value, 'build');
  if (build instanceof UnresolvedAlias) {
    return { ...withMap, unresolvedAlias: build };
  }
  const withBuild = { ...withMap, build: build !== undefined };
  if (image instanceof UnresolvedAlias) {
    return { ...withBuild, unresolvedAlias: image };
  }
  const reached = image ? reach(Y, doc, image) : undefined;
  if (reached instanceof UnresolvedAlias) {
    return { ...withBuild, unresolvedAlias: reached };
  }
  // Only a pair written in the service itself (not reached through an
  // alias) can host a lens or an insertion.
  const own = (f: Found | undefined): Yaml.Pair | undefined => (f && !f.via && !mapVia ? f.pair : undefined);
  const imagePair = own(image);
  const buildPair = own(build);
  const via = reached?.via ?? mapVia;
  return {
    ...withBuild,
    ...(imagePair ? { imagePair } : {}),
    ...(buildPair ? { buildPair } : {}),
    ...(reached ? { image: { node: reached.node, ...(via !== undefined ? { via } : {}) } } : {}),
  };
}

/** Every service of every document, in source order. */
export function composeServices(Y: YamlModule, documents: readonly Yaml.Document.Parsed[]): ServiceNodes[] {
  const out: ServiceNodes[] = [];
  documents.forEach((doc, index) => {
    if (!Y.isMap(doc.contents)) {
      return;
    }
    const found = lookup(Y, doc, doc.contents, 'services');
    if (!found || found instanceof UnresolvedAlias) {
      return;
    }
    const services = resolve(Y, doc, found.pair.value);
    if (!Y.isMap(services)) {
      return;
    }
    for (const pair of services.items) {
      if (isMergeKey(Y, pair.key)) {
        continue;
      }
      const service = serviceNodes(Y, doc, index, pair);
      if (service) {
        out.push(service);
      }
    }
  });
  return out;
}
