import * as fs from 'node:fs';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import type { VagrantChanges, VagrantEdit } from '../../src/core/vagrant/vagrantfile';
import { updateVagrantfile } from '../../src/core/vagrant/vagrantfile';
import { planVagrantMachines, type PlanResult } from '../../src/core/vagrant/vagrantfilePlan';
import { ROOT } from './repoFiles';

/**
 * Vagrantfiles as students and teachers write them, one folder per case
 * under test/fixtures/vagrant/cases (see its README): the Vagrantfile, maybe
 * a config.rb beside it, maybe the change asked (changes.json), and what
 * must come out: the files' exact bytes, or the refusal, and the machines
 * the static reader derives.
 */
export const CASES_DIR = path.join(ROOT, 'test', 'fixtures', 'vagrant', 'cases');

export interface VagrantCase {
  readonly name: string;
  readonly dir: string;
  readonly vagrantfile: string;
  readonly configRb?: string;
  readonly changes?: VagrantChanges;
  /** Other files of the folder, by name. */
  readonly files: ReadonlyMap<string, string>;
}

export function vagrantCases(): VagrantCase[] {
  return fs
    .readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = path.join(CASES_DIR, e.name);
      const files = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
      const changes = files.get('changes.json');
      const configRb = files.get('config.rb');
      return {
        name: e.name,
        dir,
        vagrantfile: files.get('Vagrantfile') ?? '',
        ...(configRb !== undefined ? { configRb } : {}),
        ...(changes !== undefined ? { changes: JSON.parse(changes) as VagrantChanges } : {}),
        files,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function planOf(c: VagrantCase): PlanResult {
  return planVagrantMachines(c.vagrantfile, english, c.configRb !== undefined ? { configRb: c.configRb } : {});
}

export function editOf(c: VagrantCase, changes: VagrantChanges = c.changes ?? {}): VagrantEdit {
  return updateVagrantfile(c.vagrantfile, changes, english, c.configRb !== undefined ? { configRb: c.configRb } : {});
}

/** The reader's derived model, one line per machine: what expected-plan.txt holds. */
export function planText(result: PlanResult): string {
  if (!result.ok) {
    return `error: ${result.error}\n`;
  }
  const p = result.plan;
  const head = `machines: ${p.machines.length} (count from ${p.countFrom}) · provider ${p.provider} · network ${p.network} · data disk ${p.dataDisk ? 'yes' : 'no'}`;
  const machines = p.machines.map((m) =>
    [
      m.name,
      ...(m.ip !== undefined ? [`ip ${m.ip}`] : []),
      ...(m.memoryMb !== undefined ? [`${m.memoryMb} MB`] : []),
      ...(m.cpus !== undefined ? [`${m.cpus} CPU`] : []),
    ].join(' · '),
  );
  return [head, ...machines, ...p.notes.map((n) => `note: ${n}`)].join('\n') + '\n';
}
