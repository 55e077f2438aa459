/**
 * The machines a Vagrantfile declares, read from its text alone: what the
 * Machines view shows in a workspace that is not trusted, where `vagrant`
 * (which evaluates the Vagrantfile, Ruby code) must not run. The lab's
 * layout names them `<prefix>-01`… up to `$num_instances`; their state is
 * unknown until Vagrant is asked.
 */
import type { Localizer } from '../l10n';
import type { MachineDefinition } from '../machines/machine';
import { readVagrantfile } from './vagrantfile';
import { toMachineDefinition } from './vagrantMachines';

/** The coreos-vagrant layout's default, and the lab's. */
const DEFAULT_PREFIX = 'core';
const PREFIX = /^\s*\$instance_name_prefix\s*=\s*["']([a-z0-9][a-z0-9-]*)["']\s*(?:#.*)?$/m;

export interface VagrantfileMachines {
  readonly definitions: readonly MachineDefinition[];
  /** Why no machine could be read (a file the reader cannot follow, a count computed in Ruby). */
  readonly problem?: string;
}

export function vagrantfileMachines(dir: string, text: string, l10n: Localizer): VagrantfileMachines {
  const read = readVagrantfile(text, l10n);
  if (!read.ok) {
    return { definitions: [], problem: read.error };
  }
  const count = read.settings.numInstances;
  if (count.kind !== 'number') {
    return {
      definitions: [],
      problem: l10n.t('$num_instances is not written as a number: only Vagrant can say which machines there are.'),
    };
  }
  const prefix = PREFIX.exec(text)?.[1] ?? DEFAULT_PREFIX;
  const label = l10n.t('state unknown (workspace not trusted)');
  const definitions = Array.from({ length: count.value }, (_, i) =>
    toMachineDefinition(dir, {
      name: `${prefix}-${String(i + 1).padStart(2, '0')}`,
      state: 'other',
      rawState: 'unknown',
      provider: '',
      label,
    }),
  );
  return { definitions };
}
