import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { ForwardedSocketAgent, SshConnection, SshTarget } from '../../src/clients/ssh/sshConnection';
import { ContainerModel } from '../../src/core/containers/containerModel';
import { fromListEntry, formatPort } from '../../src/core/containers/containerSummary';
import { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR } from '../harness/paths';
import { Figure, FigureSource, median, round1 } from './figures';
import { hostKeyFile } from '../../src/localLab/nodeFiles';

function sshTarget(layout: LabLayout, index: number): SshTarget {
  const node = layout.nodes[index];
  const pinned = fs.readFileSync(`${hostKeyFile(node)}.pub`, 'utf8').split(' ')[1];
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
 * The connection and model figures, on the bench's own lab (instance 2).
 * What a user feels of the cluster views (a change to the tree, the requests
 * at rest) is measured in the real extension host: hostFigures.ts.
 */
export const clusterFigures: FigureSource = {
  names: ['cluster.fresh_vs_reused_ratio', 'cluster.model_1000_ms'],
  async measure(runs) {
    const figures: Figure[] = [
      { name: 'cluster.model_1000_ms', value: round1(median(Array.from({ length: 5 * runs }, model1000))), unit: 'ms' },
    ];
    const lab = new LocalLab(path.join(CACHE_DIR, 'lab-bench'), () => undefined, 2);
    await lab.down();
    const { layout } = await lab.up(3);
    const conns: SshConnection[] = [];
    try {
      // Each node reached as the extension does: one SSH connection each, Docker's socket forwarded over it.
      const engines = await Promise.all(
        layout.nodes.map(async (n, i) => {
          const conn = await SshConnection.open(sshTarget(layout, i));
          conns.push(conn);
          return new DockerEngine({
            endpoint: parseDockerHost(`ssh://core@${n.address}`),
            agent: new ForwardedSocketAgent(conn, '/var/run/docker.sock'),
          });
        }),
      );

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
    } finally {
      conns.forEach((c) => c.close());
      await lab.down();
    }
    return figures;
  },
};
