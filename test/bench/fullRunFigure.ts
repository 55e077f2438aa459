import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { english } from '../../src/core/l10n';
import { loadLab } from '../../src/core/lab/labContent';
import { nodeLabFiles } from '../../src/core/lab/nodeLabFiles';
import { LocalLab } from '../../src/localLab/localLab';
import { runSectionToGreen, sectionIds } from '../harness/labSections';
import { freshLocalLab, LAB_PROJECT_DIR, localLabRunner } from '../harness/localLab';
import { CACHE_DIR, REPO_ROOT, RESULTS_DIR } from '../harness/paths';
import { Figure, FigureSource, round1 } from './figures';

const LAB_ROOT = path.join(REPO_ROOT, 'labs', 'tp1');
/** A section's figure: `lab.full_run_section_dumb_service_1_s` for the section `dumb-service-1`. */
const sectionFigure = (id: string): string => `lab.full_run_section_${id.replace(/-/g, '_')}_s`;

/**
 * Issue 17's figure: from `npm run lab -- up` on empty nodes (3 nodes
 * purged first, the lab's images loaded from the cache) to every section
 * that can run on the local lab done and its checks passing, each section
 * run through the lab runner as Run Section does, in the lab's order, then
 * its checks asked until they pass. A section none of whose steps can run
 * on the local lab is left out and said on stderr; so is each check that
 * cannot run there. The lab is instance SWARM_LAB_BENCH_INSTANCE (2 by
 * default, the bench's own), in a state folder of its own, and is taken
 * down and purged at the end; the steps' log is test-results/lab-full-run.log.
 */
export const fullRunFigure: FigureSource = {
  names: ['lab.full_run_s', 'lab.full_run_up_s', ...sectionIds().map(sectionFigure)],
  async measure() {
    const instance = Number(process.env['SWARM_LAB_BENCH_INSTANCE'] ?? 2);
    const stateDir = path.join(CACHE_DIR, instance === 2 ? 'lab-bench-fullrun' : `lab-bench-fullrun-${instance}`);
    const logFile = path.join(RESULTS_DIR, 'lab-full-run.log');
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(logFile, '');
    const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
    const say = (line: string): void => {
      console.error(line);
      log(`## ${line}`);
    };
    const lab = new LocalLab(stateDir, log, instance);
    const backupFolder = `${stateDir}-backups`;
    fs.rmSync(backupFolder, { recursive: true, force: true });
    const { sections } = await loadLab({ root: LAB_ROOT, language: 'en', files: nodeLabFiles, l10n: english });
    await lab.down({ purge: true });

    const figures: Figure[] = [];
    const t0 = performance.now();
    // As the extension's local lab has them: the default settings, backups in the workspace
    // (here a folder of the bench's), no Scope image nor Harbor password, no rehearsal lab.
    const { runner, close } = localLabRunner(
      lab,
      { managers: 3, projectDir: LAB_PROJECT_DIR, timeouts: { converge: 180_000 }, backupFolder },
      log,
    );
    try {
      await freshLocalLab(lab, 3);
      const up = (performance.now() - t0) / 1000;
      say(`up, 3 empty nodes, images loaded: ${up.toFixed(1)} s`);
      figures.push({ name: 'lab.full_run_up_s', value: round1(up), unit: 's' });

      for (const section of sections) {
        const outcome = await runSectionToGreen(runner, section, { logFile });
        if (outcome.skipped !== undefined) {
          say(`section ${section.number} ${section.id}: skipped, no step runs on the local lab: ${outcome.skipped}`);
          continue;
        }
        const seconds = outcome.seconds;
        say(
          `section ${section.number} ${section.id}: ${seconds.toFixed(1)} s (${outcome.steps.join(', ')}; checks ${outcome.checks.join(', ')})` +
            (outcome.leftOut ? `; left out: ${outcome.leftOut}` : ''),
        );
        figures.push({ name: sectionFigure(section.id), value: round1(seconds), unit: 's' });
      }
      const total = (performance.now() - t0) / 1000;
      figures.unshift({ name: 'lab.full_run_s', value: round1(total), unit: 's' });
      return figures;
    } finally {
      close();
      // Every run starts from empty nodes: nothing of this one is worth keeping.
      await lab.down({ purge: true });
      fs.rmSync(backupFolder, { recursive: true, force: true });
    }
  },
};
