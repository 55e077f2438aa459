/**
 * Whether a section's steps and checks can run where the lab's machines are
 * now: each id the engine does not know, or whose step or check says it is
 * unavailable in this environment (Ceph in the local lab), with the reason.
 * The lab panel shows it per section before anything is run.
 */
import type { Localizer } from '../l10n';
import type { LabCheck, LabStep } from './labConfig';

export interface AvailabilitySources {
  readonly steps: readonly LabStep[];
  readonly checks: readonly LabCheck[];
  /** Steps and checks done in VS Code itself (the Vagrantfile): they run anywhere. */
  readonly sideIds: ReadonlySet<string>;
  /** No lab machine is known yet: no step of the engine can run (its Run is disabled, with why). */
  readonly noMachines?: boolean;
}

/** The ids among `ids` that cannot run here, with why; an empty record when all can. */
export function unavailableHere(
  ids: readonly string[],
  sources: AvailabilitySources,
  l10n: Localizer,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) {
    if (sources.sideIds.has(id)) {
      continue;
    }
    const known = sources.steps.find((s) => s.id === id) ?? sources.checks.find((c) => c.id === id);
    if (!known) {
      out[id] = l10n.t('Swarm Lab cannot run {0} yet: run its commands by hand, as the section says.', id);
    } else if (known.unavailable !== undefined) {
      out[id] = known.unavailable;
    } else if (sources.noMachines && sources.steps.includes(known as LabStep)) {
      out[id] = l10n.t('No lab machine to run it on yet: start the local lab or your VMs.');
    }
  }
  return out;
}

/** Where the lab's steps run, worded for the panel, from the source of the lab's machines (none yet: the local lab). */
export function labPlaceWords(source: 'local-lab' | 'vagrant' | 'ssh' | undefined, l10n: Localizer): string {
  switch (source) {
    case 'vagrant':
      return l10n.t('the Vagrant VMs');
    case 'ssh':
      return l10n.t('the SSH hosts');
    default:
      return l10n.t('the local lab');
  }
}
