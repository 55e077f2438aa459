import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { contextFiles, DockerImageNode } from '../../src/clients/images/dockerImageNode';
import {
  buildAndDistribute,
  buildOnEach,
  BuildRequest,
  distributeImage,
  NodeOutcome,
} from '../../src/clients/images/imageDistribution';
import { ForwardedSocketAgent, SshConnection } from '../../src/clients/ssh/sshConnection';
import { analyzeWith } from '../../src/core/compose/composeImages';
import { planLenses } from '../../src/core/compose/composeLensPlan';
import { loadYaml } from '../../src/core/compose/composeYaml';
import { ImagePresence } from '../../src/core/images/imagePresence';
import { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../harness/testImages';
import { Figure, FigureSource, median, round1 } from './figures';
import { BenchRegistry } from './labRegistry';
import { hostKeyFile } from '../../src/localLab/nodeFiles';

const round2 = (x: number): number => Math.round(x * 100) / 100;

const REGISTRY = 'm1.swarm:5000';
const SERVICES = 300;

/**
 * A 300-service stack as people write them: comments, an anchor merged into
 * every service, images in local, registry and Docker Hub forms, ports,
 * deploy constraints.
 */
export function composeOf(services: number): string {
  const lines = [
    '# generated for the bench',
    'x-common: &common',
    '  restart: always',
    '  init: true',
    '',
    'services:',
  ];
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`;
    const image = i % 3 === 0 ? `${name}:latest` : i % 3 === 1 ? `${REGISTRY}/${name}:latest` : `redis:7.${i % 10}`;
    lines.push(
      `  ${name}:`,
      `    # service ${i} of the generated stack`,
      '    <<: *common',
      ...(i % 3 === 2 ? [] : [`    build: ./${name}`]),
      `    image: ${i % 5 === 0 ? `"${image}"` : image}`,
      '    environment:',
      '      REDIS_HOST: database',
      `      INDEX: "${i}"`,
      '    ports:',
      '      - target: 8080',
      `        published: ${9000 + i}`,
      '        mode: host',
      '    deploy:',
      '      replicas: 2',
      '      placement:',
      '        constraints:',
      '          - node.role == worker',
      '',
    );
  }
  return lines.join('\n');
}

/** The lab's sample compose file (samples/tp1), the one a student opens first. */
const SAMPLE_COMPOSE = path.join(REPO_ROOT, 'samples', 'tp1', 'docker-compose.yml');

/**
 * The analysis (parse included) of a 300-service file against yaml's own
 * parse of the same text, measured in turns so that both see the same load;
 * the lab's sample file; and the lens plan from a cached analysis.
 */
export const lensComputeFigures: FigureSource = {
  names: [
    'lens.compute_300_ms',
    'lens.compute_300_cached_ms',
    'lens.yaml_parse_300_ms',
    'lens.compute_vs_parse_ratio',
    'lens.compute_sample_ms',
  ],
  async measure(runs) {
    const Y = await loadYaml();
    const text = composeOf(SERVICES);
    const analyze = (): ReturnType<typeof analyzeWith> => analyzeWith(Y, text, { registry: REGISTRY });
    analyze(); // warm the JIT, as the second file a user opens would
    Y.parseAllDocuments(text, { merge: true });
    const parses: number[] = [];
    // yaml's own parse of the same text, alternating with the analysis: the floor any analysis built on it has.
    const yamlParses: number[] = [];
    for (let i = 0; i < Math.max(20, 6 * runs); i++) {
      let t0 = performance.now();
      analyze();
      parses.push(performance.now() - t0);
      t0 = performance.now();
      Y.parseAllDocuments(text, { merge: true });
      yamlParses.push(performance.now() - t0);
    }
    const sample = fs.readFileSync(SAMPLE_COMPOSE, 'utf8');
    const samples: number[] = [];
    for (let i = 0; i < Math.max(200, 50 * runs); i++) {
      const t0 = performance.now();
      const a = analyzeWith(Y, sample, { registry: REGISTRY });
      samples.push(performance.now() - t0);
      if (a.services.length !== 3) {
        throw new Error(`${SAMPLE_COMPOSE} has ${a.services.length} services, not 3`);
      }
    }
    const analysis = analyze();
    if (analysis.services.length !== SERVICES) {
      throw new Error(`the generated file has ${analysis.services.length} services, not ${SERVICES}`);
    }
    // What a presence change costs: lenses from the cached analysis and the model.
    const presence = new ImagePresence();
    presence.setNodes(['core-01', 'core-02', 'core-03']);
    presence.nodes.forEach((node, n) =>
      presence.replaceImages(
        node,
        analysis.services
          .filter((_, i) => i % 3 !== n)
          .map((s, i) => ({ id: `sha256:${String(i).padStart(64, '0')}`, tags: [s.image!.value], created: 1 })),
      ),
    );
    const plans: number[] = [];
    let lenses = 0;
    for (let i = 0; i < Math.max(20, 5 * runs); i++) {
      const t0 = performance.now();
      lenses = planLenses(analysis, (ref) => presence.report(ref)).length;
      plans.push(performance.now() - t0);
    }
    if (lenses < SERVICES) {
      throw new Error(`only ${lenses} lenses planned`);
    }
    return [
      { name: 'lens.compute_300_ms', value: round1(median(parses)), unit: 'ms' },
      { name: 'lens.compute_300_cached_ms', value: round1(median(plans)), unit: 'ms' },
      { name: 'lens.yaml_parse_300_ms', value: round1(median(yamlParses)), unit: 'ms' },
      { name: 'lens.compute_vs_parse_ratio', value: round1(median(parses) / median(yamlParses)), unit: 'x' },
      { name: 'lens.compute_sample_ms', value: round2(median(samples)), unit: 'ms' },
    ];
  },
};

const BLOB_MB = 64;
const TAG = 'swarm-lab-bench/blob:latest';

/** Rounds of hashing the blob: the CPU a real build step spends (pip install, a compiler). */
const BUILD_WORK_ROUNDS = 8;

/**
 * An image of BLOB_MB random megabytes on busybox (random, so neither
 * compression nor layer sharing helps the transfer), built by a step that
 * also spends CPU as real builds do (the seed's python-app installs packages
 * on each VM): a build that only wrote bytes would make building anywhere
 * as cheap as copying.
 */
function blobContext(dir: string): BuildRequest {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${BUSYBOX_IMAGE}`,
      `RUN head -c ${BLOB_MB * 1024 * 1024} /dev/urandom > /blob && for i in $(seq ${BUILD_WORK_ROUNDS}); do sha256sum /blob > /dev/null; done`,
      '',
    ].join('\n'),
  );
  return { contextDir: dir, files: contextFiles(dir), tag: TAG };
}

function nodeOver(conn: SshConnection, layout: LabLayout, i: number): DockerImageNode {
  const n = layout.nodes[i];
  return new DockerImageNode(
    n.name,
    new DockerEngine({
      endpoint: parseDockerHost(`ssh://core@${n.address}`),
      agent: new ForwardedSocketAgent(conn, '/var/run/docker.sock'),
    }),
  );
}

function check(outcomes: readonly NodeOutcome[], kinds: readonly string[]): void {
  const got = outcomes.map((o) => o.kind);
  if (got.join() !== kinds.join()) {
    throw new Error(`expected ${kinds.join(', ')}, got ${JSON.stringify(outcomes)}`);
  }
}

/**
 * Issue 6's distribution figures on the bench's lab (instance 2) with 5
 * nodes: one image streamed from core-01 to N = 1, 2, 4 others over each
 * node's SSH connection, and building on every node, or building once and
 * going through the lab registry (push on core-01, pull on the 4 others),
 * compared with building once and distributing, in the same run.
 */
export const lensDistributionFigures: FigureSource = {
  names: [
    'lens.distribute_1_s',
    'lens.distribute_2_s',
    'lens.distribute_4_s',
    'lens.distribute_4_vs_1_ratio',
    'lens.build_each_s',
    'lens.build_and_distribute_s',
    'lens.build_each_vs_distribute_ratio',
    'lens.registry_push_pull_4_s',
    'lens.build_and_registry_s',
    'lens.registry_vs_distribute_ratio',
  ],
  async measure(runs) {
    const lab = new LocalLab(path.join(CACHE_DIR, 'lab-bench'), () => undefined, 2);
    await lab.down();
    const { layout } = await lab.up(5);
    const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
    const conns: SshConnection[] = [];
    const contextDir = fs.mkdtempSync(path.join(CACHE_DIR, 'bench-blob-'));
    const figures: Figure[] = [];
    let registry: BenchRegistry | undefined;
    try {
      await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
      // The registry's image (the lab's own), on the node that runs it.
      await lab.loadImages(layout, {
        cacheDir: path.join(CACHE_DIR, 'lab-images'),
        samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
      });
      for (const n of layout.nodes) {
        const pinned = fs.readFileSync(`${hostKeyFile(n)}.pub`, 'utf8').split(' ')[1];
        conns.push(
          await SshConnection.open({
            host: n.address,
            port: 22,
            username: 'core',
            privateKey: fs.readFileSync(layout.coreKey),
            verifyHostKey: (key) => key.equals(Buffer.from(pinned, 'base64')),
          }),
        );
      }
      const nodes = conns.map((c, i) => nodeOver(c, layout, i));
      const request = blobContext(contextDir);
      const remove = (indexes: readonly number[]): Promise<unknown> =>
        Promise.all(
          indexes.map((i) =>
            docker[i]
              .getImage(TAG)
              .remove({ force: true })
              .catch(() => undefined),
          ),
        );
      const all = nodes.map((_, i) => i);
      await remove(all);
      check(await buildOnEach([nodes[0]], request), ['built']);

      const byCount = new Map<number, number[]>();
      for (let r = 0; r < runs; r++) {
        for (const n of [1, 2, 4]) {
          const targets = all.slice(1, n + 1);
          await remove(targets);
          const t0 = performance.now();
          check(
            await distributeImage(nodes[0], nodes.slice(1, n + 1), TAG),
            targets.map(() => 'loaded'),
          );
          byCount.set(n, [...(byCount.get(n) ?? []), (performance.now() - t0) / 1000]);
        }
      }
      const [d1, d2, d4] = [1, 2, 4].map((n) => median(byCount.get(n)!));
      figures.push(
        { name: 'lens.distribute_1_s', value: round1(d1), unit: 's' },
        { name: 'lens.distribute_2_s', value: round1(d2), unit: 's' },
        { name: 'lens.distribute_4_s', value: round1(d4), unit: 's' },
        { name: 'lens.distribute_4_vs_1_ratio', value: Math.round((d4 / d1) * 100) / 100, unit: 'x' },
      );

      // The seed's way and the registry's against the one above, on the same 5 nodes, in turns.
      const reg = new BenchRegistry(conns[0], layout, TAG);
      registry = reg;
      const each: number[] = [];
      const once: number[] = [];
      const viaRegistry: number[] = [];
      const pushPull: number[] = [];
      const viaRegistryRun = async (): Promise<void> => {
        await reg.fresh();
        const t1 = performance.now();
        check(await buildOnEach([nodes[0]], request), ['built']);
        const t2 = performance.now();
        await reg.push(TAG);
        await reg.pull(conns.slice(1));
        viaRegistry.push((performance.now() - t1) / 1000);
        pushPull.push((performance.now() - t2) / 1000);
      };
      const eachRun = async (): Promise<void> => {
        const t0 = performance.now();
        check(
          await buildOnEach(nodes, request),
          all.map(() => 'built'),
        );
        each.push((performance.now() - t0) / 1000);
      };
      const onceRun = async (): Promise<void> => {
        const t0 = performance.now();
        check(await buildAndDistribute(nodes, request), ['built', ...all.slice(1).map(() => 'loaded')]);
        once.push((performance.now() - t0) / 1000);
      };
      // Each round starts from nodes without the image; the order turns, so no way always follows the same one.
      const ways = [viaRegistryRun, eachRun, onceRun];
      for (let r = 0; r < runs; r++) {
        for (let w = 0; w < ways.length; w++) {
          await reg.untag(conns);
          await remove(all);
          await ways[(r + w) % ways.length]();
        }
      }
      await reg.untag(conns);
      figures.push(
        { name: 'lens.build_each_s', value: round1(median(each)), unit: 's' },
        { name: 'lens.build_and_distribute_s', value: round1(median(once)), unit: 's' },
        {
          name: 'lens.build_each_vs_distribute_ratio',
          value: Math.round((median(each) / median(once)) * 100) / 100,
          unit: 'x',
        },
        { name: 'lens.registry_push_pull_4_s', value: round1(median(pushPull)), unit: 's' },
        { name: 'lens.build_and_registry_s', value: round1(median(viaRegistry)), unit: 's' },
        {
          name: 'lens.registry_vs_distribute_ratio',
          value: Math.round((median(viaRegistry) / median(once)) * 100) / 100,
          unit: 'x',
        },
      );
      await remove(all);
    } finally {
      await registry?.untag(conns).catch(() => undefined);
      await registry?.stop().catch(() => undefined);
      conns.forEach((c) => c.close());
      fs.rmSync(contextDir, { recursive: true, force: true });
      await lab.down();
    }
    return figures;
  },
};
