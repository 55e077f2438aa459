import * as fs from 'node:fs';
import * as path from 'node:path';
import { english } from '../../core/l10n';
import { planVagrantMachines } from '../../core/vagrant/vagrantfilePlan';
import type { VagrantMachine } from '../../core/vagrant/vagrantMachines';

/**
 * The machines of a folder that Vagrant has never created, from its
 * Vagrantfile (and config.rb) alone: before the first `vagrant up` every
 * machine is "not created", and saying so needs no `vagrant status` (seconds
 * per run, and nothing at all where vagrant is not installed yet).
 *
 * Vagrant records a machine it created in `.vagrant/machines/<name>/<provider>/id`
 * and removes the file when it destroys it: no such file, no machine created.
 */
export function plannedMachines(dir: string): VagrantMachine[] | undefined {
  // Read at once (two small files), so that a look that must ask Vagrant starts it without delay.
  if (anyMachineCreated(dir)) {
    return undefined;
  }
  const vagrantfile = readText(['Vagrantfile', 'vagrantfile'].map((n) => path.join(dir, n)));
  if (vagrantfile === undefined) {
    return undefined;
  }
  const configRb = readText([path.join(dir, 'config.rb')]);
  const planned = planVagrantMachines(vagrantfile, english, configRb !== undefined ? { configRb } : {});
  if (!planned.ok || planned.plan.machines.length === 0) {
    return undefined; // only Vagrant can say
  }
  return planned.plan.machines.map((m) => ({
    name: m.name,
    state: 'not_created',
    rawState: 'not_created',
    provider: planned.plan.provider,
    label: 'not created',
  }));
}

function anyMachineCreated(dir: string): boolean {
  const machines = path.join(dir, '.vagrant', 'machines');
  for (const name of listDir(machines)) {
    const providers = listDir(path.join(machines, name));
    for (const provider of providers) {
      if (fs.existsSync(path.join(machines, name, provider, 'id'))) {
        return true;
      }
    }
  }
  return false;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readText(candidates: readonly string[]): string | undefined {
  for (const file of candidates) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      // the next name
    }
  }
  return undefined;
}
