import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { ContainerWatcher } from '../../src/clients/docker/containerWatcher';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { scaleService } from '../../src/clients/docker/swarmOperations';
import { ForwardedSocketAgent, SshConnection, SshTarget } from '../../src/clients/ssh/sshConnection';
import { SwarmWatcher } from '../../src/clients/swarm/swarmWatcher';
import { ContainerModel } from '../../src/core/containers/containerModel';
import { fromListEntry, formatPort } from '../../src/core/containers/containerSummary';
import { SwarmSnapshot } from '../../src/core/cluster/swarmSnapshot';
import { JsonLineSplitter } from '../../src/core/events/jsonLines';
import { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR } from '../harness/paths';
import { ensureBusyboxImage } from '../harness/testImages';
import { formManagerSwarm } from '../harness/labSwarm';
import { Figure, FigureSource, median, round1 } from './figures';

/** Resolves once `check` holds for a snapshot the watcher delivered (bounded). */
function nextSnapshot(
  wait: (listener: (s: SwarmSnapshot) => void) => void,
  check: (s: SwarmSnapshot) => boolean,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching snapshot within ${timeoutMs} ms`)), timeoutMs);
    wait((s) => {
      if (check(s)) {
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
  });
}

function sshTarget(layout: LabLayout, index: number): SshTarget {
  const node = layout.nodes[index];
  const pinned = fs.readFileSync(path.join(node.dir, 'etc', 'ssh', 'ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1];
  return {
    host: node.address,
    port: 22,
    username: 'core',
    privateKey: fs.readFileSync(layout.coreKey),
    verifyHostKey: (key) => key.equals(Buffer.from(pinned, 'base64')),
  };
}

/** A ContainerModel for 1,000 containers on 5 machines: parse, sort, describe (what the tree renders). */
function model1000(): number {
  const raw = Array.from({ length: 1000 }, (_, i) => ({
    Id: i.toString(16).padStart(64, '0'),
    Names: [`/svc_${i % 37}.${i}.${'x'.repeat(25)}`],
    Image: `m1.swarm:5000/app-${i % 11}:latest`,
    State: i % 7 ? 'running' : 'exited',
    Status: i % 7 ? 'Up 3 hours' : 'Exited (0) 2 hours ago',
    Created: 1764000000 + i,
    Ports: [{ PrivatePort: 8080, PublicPort: 8000 + (i % 100), Type: 'tcp', IP: '0.0.0.0' }],
    Labels: { 'com.docker.stack.namespace': `stack${i % 5}` },
  }));
  const t0 = performance.now();
  const models = Array.from({ length: 5 }, () => new ContainerModel());
  raw.forEach((r, i) => models[i % 5].upsert(fromListEntry(r)));
  let rendered = 0;
  for (const m of models) {
    for (const c of m.list()) {
      rendered += `${c.name} ${c.image} ${c.status} ${c.ports.map(formatPort).join(', ')}`.length;
    }
  }
  const ms = performance.now() - t0;
  if (rendered === 0) {
    throw new Error('nothing rendered');
  }
  return ms;
}

/**
 * Issue 5's figures, on the bench's own lab (instance 2): a 3-manager swarm
 * followed over SSH with the extension's own watchers.
 */
export const clusterFigures: FigureSource = {
  names: [
    'cluster.idle_requests_per_min',
    'cluster.scale_to_tree_ms',
    'cluster.event_to_tree_ms',
    'cluster.fresh_vs_reused_ratio',
    'cluster.model_1000_ms',
  ],
  async measure(runs) {
    const figures: Figure[] = [
      { name: 'cluster.model_1000_ms', value: round1(median(Array.from({ length: 5 * runs }, model1000))), unit: 'ms' },
    ];
    const lab = new LocalLab(path.join(CACHE_DIR, 'lab-bench'), () => undefined, 2);
    await lab.down();
    const { layout } = await lab.up(3);
    const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
    const conns: SshConnection[] = [];
    try {
      await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
      await formManagerSwarm(layout);
      const svc = await docker[0].createService({
        Name: 'bench',
        Mode: { Replicated: { Replicas: 1 } },
        TaskTemplate: { ContainerSpec: { Image: 'swarm-lab-test/busybox:latest', Command: ['sleep', '3600'] } },
      });

      // Every node followed as the extension does: one SSH connection, one
      // container event stream each, the swarm through the first manager.
      const agents = await Promise.all(
        layout.nodes.map(async (_n, i) => {
          const conn = await SshConnection.open(sshTarget(layout, i));
          conns.push(conn);
          return new ForwardedSocketAgent(conn, '/var/run/docker.sock');
        }),
      );
      const engines = agents.map(
        (agent, i) => new DockerEngine({ endpoint: parseDockerHost(`ssh://core@${layout.nodes[i].address}`), agent }),
      );
      const watchers = engines.map((e) => new ContainerWatcher(e, new ContainerModel()));
      watchers.forEach((w) => w.start());
      await Promise.all(watchers.map((w) => w.waitFor((s) => s.kind === 'live', 20_000)));
      const listeners = new Set<(s: SwarmSnapshot) => void>();
      const swarm = new SwarmWatcher(
        engines[0],
        (s) => listeners.forEach((l) => l(s)),
        () => undefined,
      );
      await swarm.start();
      const onSnapshot = (l: (s: SwarmSnapshot) => void): void => void listeners.add(l);
      await nextSnapshot(
        onSnapshot,
        (s) => s.services.some((x) => x.name === 'bench' && x.running === 1),
        30_000,
      ).catch(() => 0);

      // (a) At rest: requests per minute per node, besides the open streams.
      const settle = Date.now() + 25_000; // let the convergence follow-ups end
      await new Promise((r) => setTimeout(r, Math.max(0, settle - Date.now())));
      const before = agents.map((x) => x.socketsOpened);
      const windowMs = 20_000;
      await new Promise((r) => setTimeout(r, windowMs));
      const idle = agents.map((x, i) => ((x.socketsOpened - before[i]) * 60_000) / windowMs);
      figures.push({ name: 'cluster.idle_requests_per_min', value: round1(Math.max(...idle)), unit: 'req/min' });

      // (b, c) Scale: end to end, and from the service event's arrival.
      const events = await engines[0].events({ type: ['service'] }, new AbortController().signal);
      let eventAt = 0;
      const splitter = new JsonLineSplitter();
      events.on('data', (c: Buffer) => {
        if (splitter.push(c).length > 0 && eventAt === 0) {
          eventAt = performance.now();
        }
      });
      const endToEnd: number[] = [];
      const afterEvent: number[] = [];
      for (let i = 0; i < runs; i++) {
        const replicas = 2 + (i % 2);
        eventAt = 0;
        const t0 = performance.now();
        const shown = nextSnapshot(
          onSnapshot,
          (s) => s.services.some((x) => x.name === 'bench' && x.desired === replicas),
          10_000,
        );
        await scaleService(engines[0], svc.id, replicas);
        const t1 = await shown;
        endToEnd.push(t1 - t0);
        afterEvent.push(t1 - (eventAt || t0));
      }
      events.destroy();
      figures.push({ name: 'cluster.scale_to_tree_ms', value: round1(median(endToEnd)), unit: 'ms' });
      figures.push({ name: 'cluster.event_to_tree_ms', value: round1(median(afterEvent)), unit: 'ms' });

      // (d) One request over the reused connection vs. a fresh SSH connection.
      const reused: number[] = [];
      const fresh: number[] = [];
      for (let i = 0; i < Math.max(5, runs); i++) {
        let t0 = performance.now();
        await engines[1].version();
        reused.push(performance.now() - t0);
        t0 = performance.now();
        const conn = await SshConnection.open(sshTarget(layout, 1));
        await new DockerEngine({
          endpoint: parseDockerHost('ssh://core@x'),
          agent: new ForwardedSocketAgent(conn, '/var/run/docker.sock'),
        }).version();
        fresh.push(performance.now() - t0);
        conn.close();
      }
      figures.push({ name: 'cluster.fresh_vs_reused_ratio', value: round1(median(fresh) / median(reused)), unit: 'x' });
      swarm.stop();
      watchers.forEach((w) => w.stop());
    } finally {
      conns.forEach((c) => c.close());
      await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
      await lab.down();
    }
    return figures;
  },
};
