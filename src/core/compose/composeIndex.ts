/**
 * One lean walk of a parsed compose document, done once per parse, that
 * finds what the analysis needs from the whole tree:
 * - each alias's anchor: yaml's own `Alias.resolve(doc)` walks the whole
 *   document for every alias (quadratic in a file that merges one anchor
 *   into each service), and `yaml.visit` builds a path array per node;
 * - duplicate keys, which Compose refuses: yaml's `uniqueKeys` check scans
 *   the whole mapping for every key it adds (quadratic in the `services:`
 *   mapping of a large file), so the parse turns it off and this walk finds
 *   the same duplicates in linear time, reported with yaml's own
 *   message at the key, as yaml reports them.
 */
import type * as Yaml from 'yaml';
import type { YamlModule } from './composeYaml';

export interface DocumentIndex {
  /** Each alias's target: the last anchor of that name before it, in document order (yaml's rule). */
  readonly aliases: ReadonlyMap<Yaml.Alias, Yaml.Node | undefined>;
  /** Offsets of keys that repeat an earlier key of the same mapping. */
  readonly duplicateKeys: readonly number[];
}

export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

export function indexDocument(Y: YamlModule, doc: Yaml.Document.Parsed): DocumentIndex {
  const aliases = new Map<Yaml.Alias, Yaml.Node | undefined>();
  const latest = new Map<string, Yaml.Node>();
  const duplicateKeys: number[] = [];
  const anchored = (node: Yaml.Node): void => {
    if (node.anchor) {
      latest.set(node.anchor, node);
    }
  };
  // Scalars, most of the nodes, are handled where they are met, without a call.
  const walk = (node: unknown): void => {
    if (Y.isScalar(node)) {
      anchored(node);
    } else if (Y.isMap(node)) {
      anchored(node);
      const items = node.items;
      const firstAt = items.length > SMALL_MAP ? firstIndexes(Y, items) : undefined;
      for (let i = 0; i < items.length; i++) {
        const { key, value } = items[i];
        if (Y.isScalar(key)) {
          if (i > 0 && repeats(Y, items, i, key.value, firstAt)) {
            duplicateKeys.push(key.range?.[0] ?? 0);
          }
          if (key.anchor) {
            latest.set(key.anchor, key);
          }
        } else {
          walk(key);
        }
        if (Y.isScalar(value)) {
          if (value.anchor) {
            latest.set(value.anchor, value);
          }
        } else {
          walk(value);
        }
      }
    } else if (Y.isSeq(node)) {
      anchored(node);
      for (const item of node.items) {
        if (Y.isPair(item)) {
          walk(item.key);
          walk(item.value);
        } else if (!Y.isScalar(item)) {
          walk(item);
        } else if (item.anchor) {
          latest.set(item.anchor, item);
        }
      }
    } else if (Y.isAlias(node)) {
      aliases.set(node, latest.get(node.source));
    }
  };
  walk(doc.contents);
  return { aliases, duplicateKeys };
}

/** Mappings up to this size are searched in place; larger ones get a map of their keys. */
const SMALL_MAP = 16;

/** Each scalar key value's first position in a mapping. */
function firstIndexes(Y: YamlModule, items: readonly Yaml.Pair[]): Map<unknown, number> {
  const firstAt = new Map<unknown, number>();
  for (let j = items.length - 1; j >= 0; j--) {
    const key = items[j].key;
    if (Y.isScalar(key)) {
      firstAt.set(key.value, j);
    }
  }
  return firstAt;
}

/**
 * Whether the key of `items[i]` repeats an earlier key: the same equality
 * as yaml's default uniqueKeys (`===` on scalar values), so NaN never
 * repeats, and neither does a merge key `<<` (each is its own symbol).
 */
function repeats(
  Y: YamlModule,
  items: readonly Yaml.Pair[],
  i: number,
  value: unknown,
  firstAt: ReadonlyMap<unknown, number> | undefined,
): boolean {
  if (firstAt) {
    const first = firstAt.get(value);
    // A Map finds NaN; `===` does not.
    return first !== undefined && first < i && !Number.isNaN(value);
  }
  for (let j = 0; j < i; j++) {
    const other = items[j].key;
    if (Y.isScalar(other) && other.value === value) {
      return true;
    }
  }
  return false;
}
