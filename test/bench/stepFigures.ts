import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import type { LabStep } from '../../src/core/labSteps/labConfig';
import { labSteps, runLabStep } from '../../src/core/labSteps/labSteps';
import { RunValues } from '../../src/core/steps/runValues';
import { stepSucceeded, type Cluster, type Step } from '../../src/core/steps/step';
import { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { Figure, FigureSource, median, round1 } from './figures';

/** Seconds the wait step's action waits on each node. */
const WAIT_S = 1;

/**
 * A bench-only step whose remote work waits instead of computing: a check
 * that asks the node (as keepalived.deploy's does), then `sleep` run over the
 * node's session. Its fan-out ratio measures the engine and the SSH sessions,
 * not how 2 CPUs are shared.
 */
const waitStep: LabStep = (() => {
  const step: Step = {
    id: 'bench.wait',
    title: 'Wait on every node',
    targets: 'all',
    changesMachines: false,
    async check(ctx) {
      const out = await ctx.session.exec(['true'], { signal: ctx.signal });
      return out.code === 0 ? { state: 'todo' } : { state: 'todo', reason: out.stderr };
    },
    plan: () => [{ kind: 'exec', command: ['sleep', String(WAIT_S)] }],
  };
  return { id: step.id, title: step.title, section: 0, phases: [step] };
})();

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
    'steps.fanout_5_vs_1_floor',
    'steps.fanout_wait_1_node_ms',
    'steps.fanout_5_vs_1_wait_ratio',
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
      const time = async (nodes: number, concurrency: number, which: LabStep = step): Promise<number> => {
        await clean();
        const t0 = performance.now();
        const reports = await runLabStep(which, first(nodes), new RunValues(), {
          l10n: english,
          allowMachineChanges: true,
          concurrency,
        });
        const ms = performance.now() - t0;
        const ran = reports.flatMap((r) => r.nodes).filter((n) => n.outcome.kind === 'ok').length;
        if (!reports.every(stepSucceeded) || (which === waitStep && ran !== nodes)) {
          throw new Error(`${which.id} failed: ${JSON.stringify(reports)}`);
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
      // The same engine and sessions, with remote work that waits: 1 and 5 nodes, alternating.
      await time(5, 5, waitStep);
      const waitOne: number[] = [];
      const waitFive: number[] = [];
      for (let i = 0; i < runs; i++) {
        waitOne.push(await time(1, 5, waitStep));
        waitFive.push(await time(5, 5, waitStep));
      }
      const figures: Figure[] = [
        { name: 'steps.one_node_ms', value: round1(median(one)), unit: 'ms' },
        { name: 'steps.fanout_3_vs_1_ratio', value: round1(median(three) / median(one)), unit: 'x' },
        { name: 'steps.fanout_5_vs_1_ratio', value: round1(median(five) / median(one)), unit: 'x' },
        { name: 'steps.sequential_vs_parallel_5_ratio', value: round1(median(sequential) / median(five)), unit: 'x' },
        // What 5 nodes of a step that is all CPU cannot beat on this machine's cores: nodes ÷ cores
        // (keepalived.deploy also waits, so its ratio can come in below).
        { name: 'steps.fanout_5_vs_1_floor', value: round1(Math.max(1, 5 / os.cpus().length)), unit: 'x' },
        { name: 'steps.fanout_wait_1_node_ms', value: round1(median(waitOne)), unit: 'ms' },
        {
          name: 'steps.fanout_5_vs_1_wait_ratio',
          value: Math.round((median(waitFive) / median(waitOne)) * 100) / 100,
          unit: 'x',
        },
      ];
      return figures;
    } finally {
      await clean();
      env.close();
      await lab.down();
    }
  },
};
