/**
 * Which nodes a step runs on, from its declared targets and the cluster's
 * nodes; and, for "run this step on a chosen node", that node if the step
 * may run there at all.
 */
import type { Localizer } from '../l10n';
import type { NodeTarget, StepTargets } from './step';

export type ResolvedTargets =
  { readonly ok: true; readonly nodes: readonly NodeTarget[] } | { readonly ok: false; readonly error: string };

export function resolveTargets(
  targets: StepTargets,
  nodes: readonly NodeTarget[],
  l10n: Localizer,
  only?: string,
): ResolvedTargets {
  const resolved = select(targets, nodes, l10n);
  if (!resolved.ok || only === undefined) {
    return resolved;
  }
  const chosen = resolved.nodes.filter((n) => n.name === only);
  if (chosen.length === 0) {
    return nodes.some((n) => n.name === only)
      ? {
          ok: false,
          error: l10n.t('This step does not run on {0} (it runs on: {1}).', only, describeTargets(targets, l10n)),
        }
      : { ok: false, error: l10n.t('There is no node named {0} in the lab.', only) };
  }
  return { ok: true, nodes: chosen };
}

function select(targets: StepTargets, nodes: readonly NodeTarget[], l10n: Localizer): ResolvedTargets {
  switch (targets) {
    case 'all':
      return { ok: true, nodes };
    case 'managers':
      return { ok: true, nodes: nodes.filter((n) => n.role === 'manager') };
    case 'workers':
      return { ok: true, nodes: nodes.filter((n) => n.role === 'worker') };
    case 'firstManager': {
      const first = nodes.find((n) => n.role === 'manager');
      // Unlike "all workers" (possibly none), a step for the first manager
      // has nowhere to run without one: that is an error, not "nothing to do".
      return first ? { ok: true, nodes: [first] } : { ok: false, error: l10n.t('The lab has no manager node.') };
    }
    default: {
      const node = nodes.find((n) => n.name === targets.node);
      return node
        ? { ok: true, nodes: [node] }
        : { ok: false, error: l10n.t('There is no node named {0} in the lab.', targets.node) };
    }
  }
}

/** "all nodes", "the managers"…: for messages. */
export function describeTargets(targets: StepTargets, l10n: Localizer): string {
  switch (targets) {
    case 'all':
      return l10n.t('all nodes');
    case 'managers':
      return l10n.t('the managers');
    case 'workers':
      return l10n.t('the workers');
    case 'firstManager':
      return l10n.t('the first manager');
    default:
      return targets.node;
  }
}
