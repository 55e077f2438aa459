import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import { labSteps, runLabStep } from '../../src/core/labSteps/labSteps';
import { RunValues } from '../../src/core/steps/runValues';
import { stepSucceeded, type Cluster } from '../../src/core/steps/step';
import { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { Figure, FigureSource, median, round1 } from './figures';

/**
 * Issue 8's figures: one lab step (keepalived.deploy: a check and a
 * `docker run` per node, over SSH) on 1, 3 and 5 nodes of a 5-node lab, and
 * on 5 nodes one node after another (concurrency 1, what a student's
 * `for i in 1 2 3 4 5; do vagrant ssh core-0$i -c …; done` does), with the
 * same warm connections. The lab instance is SWARM_LAB_BENCH_INSTANCE (2 by
 * default, the bench's own), so that a second checkout can measure beside.
 */
export const stepFigures: FigureSource = {
  names: [
    'steps.one_node_ms',
    'steps.fanout_3_vs_1_ratio',
    'steps.fanout_5_vs_1_ratio',
    'steps.sequential_vs_parallel_5_ratio',
  ],
  async measure(runs) {
    const instance = Number(process.env['SWARM_LAB_BENCH_INSTANCE'] ?? 2);
    const lab = new LocalLab(
      path.join(CACHE_DIR, instance === 2 ? 'lab-bench' : `lab-bench-${instance}`),
      () => undefined,
      instance,
    );
    await lab.down();
    const { layout } = await lab.up(5);
    await lab.loadImages(layout, {
      cacheDir: path.join(CACHE_DIR, 'lab-images'),
      samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
    });
    const env = await localLabSteps(lab, { managers: 3, projectDir: path.join(REPO_ROOT, 'samples', 'tp1') });
    const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
    const clean = (): Promise<unknown> =>
      Promise.all(
        docker.map((d) =>
          d
            .getContainer('keepalived')
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
    try {
      const step = labSteps(env.config, english).find((s) => s.id === 'keepalived.deploy')!;
      const first = (n: number): Cluster => ({
        nodes: env.cluster.nodes.slice(0, n),
        openSession: (node, signal) => env.cluster.openSession(node, signal),
      });
      const time = async (nodes: number, concurrency: number): Promise<number> => {
        await clean();
        const t0 = performance.now();
        const reports = await runLabStep(step, first(nodes), new RunValues(), {
          l10n: english,
          allowMachineChanges: true,
          concurrency,
        });
        const ms = performance.now() - t0;
        if (!reports.every(stepSucceeded)) {
          throw new Error(`keepalived.deploy failed: ${JSON.stringify(reports)}`);
        }
        return ms;
      };
      await time(5, 5); // warm-up: SSH connections, page cache
      const one: number[] = [];
      const three: number[] = [];
      const five: number[] = [];
      const sequential: number[] = [];
      for (let i = 0; i < runs; i++) {
        one.push(await time(1, 5));
        three.push(await time(3, 5));
        five.push(await time(5, 5));
        sequential.push(await time(5, 1));
      }
      const figures: Figure[] = [
        { name: 'steps.one_node_ms', value: round1(median(one)), unit: 'ms' },
        { name: 'steps.fanout_3_vs_1_ratio', value: round1(median(three) / median(one)), unit: 'x' },
        { name: 'steps.fanout_5_vs_1_ratio', value: round1(median(five) / median(one)), unit: 'x' },
        { name: 'steps.sequential_vs_parallel_5_ratio', value: round1(median(sequential) / median(five)), unit: 'x' },
      ];
      return figures;
    } finally {
      await clean();
      env.close();
      await lab.down();
    }
  },
};
