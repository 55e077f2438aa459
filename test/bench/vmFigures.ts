import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { english } from '../../src/core/l10n';
import { loadLab } from '../../src/core/lab/labContent';
import { nodeLabFiles } from '../../src/core/lab/nodeLabFiles';
import { ensureBox } from '../../src/vm/box';
import { readVm } from '../../src/vm/qemu';
import { loadVmImages, vmMachines } from '../../src/vm/vmMachines';
import type { MachineDefinition } from '../../src/core/machines/machine';
import { runSectionToGreen } from '../harness/labSections';
import { LAB_IMAGES, type LocalLabRunner } from '../harness/localLab';
import { REPO_ROOT } from '../harness/paths';
import { newVmLab, recordingHostKeys, VM_IMAGE_CACHE, vmLabRunner } from '../harness/vmLab';
import type { Figure, FigureSource } from './figures';
import { round1 } from './figures';

const seconds = (since: number): number => round1((performance.now() - since) / 1000);

/**
 * `vm.box_build_s`: the VM box built from the Debian mirror into a scratch
 * cache (the lab's Debian base tarball taken from the real one, as a
 * user's second build would), then thrown away.
 */
export const vmBoxFigure: FigureSource = {
  names: ['vm.box_build_s'],
  async measure() {
    const scratch = fs.mkdtempSync(path.join(VM_IMAGE_CACHE, 'bench-box-'));
    try {
      const t0 = performance.now();
      await ensureBox({ cacheDir: scratch, rootfsCacheDir: VM_IMAGE_CACHE, log: (line) => console.error(line) });
      return [{ name: 'vm.box_build_s', value: seconds(t0), unit: 's' }];
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/**
 * The VM lab, once, as the vm tier runs it: `vm.up_3_s` (vagrant up of 3
 * VMs, box ready, from nothing to SSH), `vm.kvm` (1 when QEMU used KVM),
 * and `vm.full_run_s` (from nothing to every section the VMs can run
 * passing its checks: up, the lab's images loaded, each section through
 * the lab runner until green), with `vm.full_run_images_s`. The project is
 * destroyed and removed at the end.
 */
export const vmLabFigures: FigureSource = {
  names: ['vm.up_3_s', 'vm.kvm', 'vm.full_run_s', 'vm.full_run_images_s'],
  async measure() {
    const say = (line: string): void => console.error(line);
    await ensureBox({ cacheDir: VM_IMAGE_CACHE, log: say });
    const lab = newVmLab('vb', say);
    let runner: LocalLabRunner | undefined;
    try {
      const t0 = performance.now();
      await lab.up({ vms: 3 });
      const figures: Figure[] = [{ name: 'vm.up_3_s', value: seconds(t0), unit: 's' }];
      const accel = readVm(lab.machineDirs()[0])?.accel;
      figures.push({ name: 'vm.kvm', value: accel === 'kvm' ? 1 : 0, unit: '' });
      const i0 = performance.now();
      await loadVmImages(lab, { samplesDir: LAB_IMAGES.samplesDir, cacheDir: VM_IMAGE_CACHE });
      figures.push({ name: 'vm.full_run_images_s', value: seconds(i0), unit: 's' });
      const machines: MachineDefinition[] = await vmMachines(lab);
      const hostKeys = recordingHostKeys(path.join(lab.projectDir, 'bench_known_hosts'));
      runner = vmLabRunner(
        () => machines,
        hostKeys.policy,
        path.join(lab.projectDir, 'backups'),
        () => undefined,
      );
      const { sections } = await loadLab({
        root: path.join(REPO_ROOT, 'labs', 'tp1'),
        language: 'en',
        files: nodeLabFiles,
        l10n: english,
      });
      for (const section of sections) {
        const s0 = performance.now();
        const outcome = await runSectionToGreen(runner.runner, section, { checksPassMs: 300_000 });
        say(
          outcome.skipped !== undefined
            ? `section ${section.number} ${section.id}: skipped (${outcome.skipped})`
            : `section ${section.number} ${section.id}: ${seconds(s0)} s` +
                (outcome.leftOut ? `; left out: ${outcome.leftOut}` : ''),
        );
      }
      figures.push({ name: 'vm.full_run_s', value: seconds(t0), unit: 's' });
      return figures;
    } finally {
      runner?.close();
      await lab.down();
    }
  },
};
