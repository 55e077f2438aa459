/**
 * `npm run bench`: the project's figures, by name.
 *   --json          one JSON object {"figures": [{name, value, unit}]} on stdout
 *   --only PREFIX   only the figures whose name starts with PREFIX (several: comma-separated)
 *   --runs N        repetitions of each timed figure (the median is reported)
 * Later issues add their figures to FIGURES.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LabLayout, LabNode } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { nodePids } from '../../src/localLab/nodeCgroups';
import { nodeCgroupName, nodeUpperDir } from '../../src/localLab/nodeProcess';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { runVsCodeSuite } from '../harness/vscodeSuiteRunner';
import { clusterFigures } from './clusterFigures';
import { firstHourFigure } from './firstHourFigure';
import { firstTreeFigure, hostFigures } from './hostFigureSource';
import { fullRunFigure } from './fullRunFigure';
import { vmBoxFigure, vmLabFigures } from './vmFigures';
import { hostileFigure } from './hostileFigure';
import { scaleFigures } from './scaleFigures';
import { stepFigures } from './stepFigures';
import { Figure, FigureSource, median, round1 } from './figures';
import { lensComputeFigures, lensDistributionFigures } from './lensFigures';

/**
 * Memory of an idle lab node, in MB: the resident set (VmRSS, as `ps` shows
 * it) of every process of the node, summed. Binary pages shared between the
 * nodes count in each, so this errs high: the marginal cost is lower.
 */
function nodeRssMb(layout: LabLayout, node: LabNode): number {
  let kb = 0;
  for (const pid of nodePids(nodeCgroupName(layout, node))) {
    try {
      kb += Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return kb / 1024;
}

/** A node's own overlay layer on disk, in MB: what it wrote over the shared base system (allocated blocks). */
function nodeDiskMb(node: LabNode): number {
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      const st = fs.lstatSync(p);
      bytes += st.blocks * 512;
      if (entry.isDirectory()) {
        walk(p);
      }
    }
  };
  walk(nodeUpperDir(node));
  return bytes / 1e6;
}

// Every lab of the bench boots from the repository's cache of the nodes' base system.
process.env['SWARM_LAB_IMAGE_CACHE'] ??= path.join(CACHE_DIR, 'lab-images');

/** The bench's own lab (instance 2), beside a user's and the tests'. */
const benchLab = (): LocalLab => new LocalLab(path.join(CACHE_DIR, 'lab-bench'), () => undefined, 2);

const kb = (file: string): number => Math.round((fs.statSync(path.join(REPO_ROOT, file)).size / 1024) * 10) / 10;

const FIGURES: FigureSource[] = [
  clusterFigures,
  hostFigures,
  firstTreeFigure,
  scaleFigures,
  lensComputeFigures,
  lensDistributionFigures,
  stepFigures,
  firstHourFigure,
  hostileFigure,
  fullRunFigure,
  vmBoxFigure,
  vmLabFigures,
  {
    names: ['ext.bundle_kb', 'ext.vsix_kb'],
    measure: () =>
      Promise.resolve([
        { name: 'ext.bundle_kb', value: kb('dist/extension.js'), unit: 'kB' },
        { name: 'ext.vsix_kb', value: kb('dist/swarm-lab.vsix'), unit: 'kB' },
      ]),
  },
  {
    // Swarm Lab's activation in a real extension host, beside an extension
    // that does nothing (VS Code's fixed cost), each run in a fresh host.
    names: ['ext.activation_ms', 'ext.activation_baseline_ms', 'ext.activation_own_ms', 'ext.features_load_ms'],
    async measure(runs) {
      const baselines = ['activation-warmup', 'activation-baseline'].map(packageBaselineExtension);
      const samples = new Map<string, number[]>();
      for (let i = 0; i < runs; i++) {
        const result = await runVsCodeSuite({
          tier: 'bench',
          suiteDir: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'bench'),
          quiet: true,
          extraVsix: baselines,
          env: { SWARM_LAB_BENCH_ORDER: i % 2 ? 'swarm-lab-first' : 'baseline-first' },
          onLine: (line) => {
            const m = /^FIGURE (.*)$/.exec(line);
            if (m) {
              const f = JSON.parse(m[1]) as Figure;
              samples.set(f.name, [...(samples.get(f.name) ?? []), f.value]);
            }
          },
        });
        if (result.failed > 0) {
          throw new Error('the activation run failed (see above)');
        }
      }
      return [...samples].map(([name, values]) => ({ name, value: Math.round(median(values) * 10) / 10, unit: 'ms' }));
    },
  },
  {
    // Images from nothing (no rootfs, no tarball, an empty builder), then the
    // cached tarball into a node that lacks the images.
    names: ['lab.image_build_cold_s', 'lab.image_load_warm_s'],
    async measure() {
      const { ensureLabImages, loadLabImages } = await import('../../src/localLab/images/labImages');
      const lab = benchLab();
      await lab.down({ purge: true });
      const { layout } = await lab.up(2);
      const cacheDir = fs.mkdtempSync(path.join(CACHE_DIR, 'bench-images-'));
      try {
        let t0 = performance.now();
        const { tarball, images } = await ensureLabImages({
          builder: layout.nodes[0].dockerSocket,
          cacheDir,
          samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
        });
        const cold = (performance.now() - t0) / 1000;
        t0 = performance.now();
        await loadLabImages(tarball, images, [layout.nodes[1].dockerSocket]);
        const load = (performance.now() - t0) / 1000;
        return [
          { name: 'lab.image_build_cold_s', value: round1(cold), unit: 's' },
          { name: 'lab.image_load_warm_s', value: round1(load), unit: 's' },
        ];
      } finally {
        fs.rmSync(cacheDir, { recursive: true, force: true });
        await lab.down({ purge: true });
      }
    },
  },
  {
    // From a purged lab (no swarm state), then nodes keep their layer and
    // Docker data (images) between runs, as a user's lab does.
    names: ['lab.up_s', 'lab.down_s', 'lab.node_mb', 'lab.node_disk_mb'],
    async measure(runs) {
      const lab = benchLab();
      const images = {
        cacheDir: path.join(CACHE_DIR, 'lab-images'),
        samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
      };
      await lab.down({ purge: true });
      const first = (await lab.up(3)).layout;
      // A node's own layer right after its first `up`: its keys, names and configuration only.
      const disks = first.nodes.map((n) => nodeDiskMb(n));
      await lab.loadImages(first, images); // keys, data roots and images, once
      await lab.down();
      const ups: number[] = [];
      const downs: number[] = [];
      const mbs: number[] = [];
      for (let i = 0; i < runs; i++) {
        let t0 = performance.now();
        const { layout } = await lab.up(3);
        await lab.loadImages(layout, images); // warm: finds them on every node
        ups.push((performance.now() - t0) / 1000);
        mbs.push(...layout.nodes.map((n) => nodeRssMb(layout, n)));
        t0 = performance.now();
        await lab.down();
        downs.push((performance.now() - t0) / 1000);
      }
      return [
        { name: 'lab.up_s', value: round1(median(ups)), unit: 's' },
        { name: 'lab.down_s', value: round1(median(downs)), unit: 's' },
        { name: 'lab.node_mb', value: round1(median(mbs)), unit: 'MB' },
        { name: 'lab.node_disk_mb', value: round1(median(disks)), unit: 'MB' },
      ];
    },
  },
];

/**
 * The do-nothing extension of test/fixtures, packaged under `name` into
 * .cache/ (the bench needs two: one to warm the host up, one to compare).
 */
function packageBaselineExtension(name: string): string {
  const out = path.join(CACHE_DIR, `${name}.vsix`);
  const src = path.join(CACHE_DIR, name);
  fs.rmSync(src, { recursive: true, force: true });
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'baseline-extension'), src, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8')) as { name: string };
  manifest.name = name;
  fs.writeFileSync(path.join(src, 'package.json'), JSON.stringify(manifest, null, 2));
  execFileSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: src, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const onlyAt = args.indexOf('--only');
  // Several prefixes, comma-separated: `--only cluster.,ext.heap`.
  const only = (onlyAt >= 0 ? (args[onlyAt + 1] ?? '') : '').split(',');
  const wanted = (name: string): boolean => only.some((prefix) => name.startsWith(prefix));
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 3;
  // Progress goes to stderr so that --json leaves stdout to the JSON object.
  const figures: Figure[] = [];
  for (const source of FIGURES) {
    if (!source.names.some(wanted)) {
      continue;
    }
    console.error(`measuring ${source.names.join(', ')}…`);
    figures.push(...(await source.measure(runs)).filter((f) => wanted(f.name)));
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ figures })}\n`);
    return;
  }
  const width = Math.max(...figures.map((f) => f.name.length), 6);
  console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(10)}  unit`);
  for (const f of figures) {
    console.log(`${f.name.padEnd(width)}  ${String(f.value).padStart(10)}  ${f.unit}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
