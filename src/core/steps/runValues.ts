/**
 * Values produced by the steps of one run (join tokens, the manager's
 * address…), read by the steps after them. Each value is kept per node; the
 * plain `get` answers only when the nodes that produced a key agree, so a
 * step reading "the worker token" cannot silently get one node's value out
 * of several different ones.
 */
import type { Localizer } from '../l10n';

export class RunValues {
  private readonly byNode = new Map<string, Map<string, string>>();

  constructor(initial: Readonly<Record<string, string>> = {}, from = '') {
    for (const [key, value] of Object.entries(initial)) {
      this.set(from, key, value);
    }
  }

  set(node: string, key: string, value: string): void {
    let values = this.byNode.get(node);
    if (!values) {
      values = new Map();
      this.byNode.set(node, values);
    }
    values.set(key, value);
  }

  /** An independent copy: a dry run adds placeholders to it, never to the real run's values. */
  copy(): RunValues {
    const twin = new RunValues();
    for (const [node, values] of this.byNode) {
      for (const [key, value] of values) {
        twin.set(node, key, value);
      }
    }
    return twin;
  }

  /** The value of a key if one node produced it, or all that did agree. */
  get(key: string): string | undefined {
    const found = new Set(this.all(key).values());
    return found.size === 1 ? [...found][0] : undefined;
  }

  /** The value a given node produced. */
  of(node: string, key: string): string | undefined {
    return this.byNode.get(node)?.get(key);
  }

  /** Every node's value of a key. */
  all(key: string): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    for (const [node, values] of this.byNode) {
      const v = values.get(key);
      if (v !== undefined) {
        out.set(node, v);
      }
    }
    return out;
  }

  has(key: string): boolean {
    return this.all(key).size > 0;
  }

  /** Like get, but a missing or ambiguous value fails the node with a clear reason. */
  require(key: string, l10n: Localizer): string {
    const values = this.all(key);
    const v = this.get(key);
    if (v !== undefined) {
      return v;
    }
    throw new Error(
      values.size === 0
        ? l10n.t('No earlier step produced {0}: run the steps before this one first.', key)
        : l10n.t('The nodes {0} produced different values of {1}.', [...values.keys()].join(', '), key),
    );
  }
}
