import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import type { LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, PlannedAction, StepReport } from '../../src/core/steps/step';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes } from './stepFakes';

const ALL_OK = 'verify: ok\nfresh: ok\nsan: ok\nkeys: ok\n';

async function run(cluster: FakeLabCluster, config: LabStepConfig, id: string, dryRun = false): Promise<StepReport[]> {
  const step = labSteps(config, english).find((s) => s.id === id);
  assert.ok(step, id);
  return runLabStep(step, cluster, new RunValues(), {
    l10n: english,
    allowMachineChanges: true,
    ...(dryRun ? { dryRun: true } : {}),
  });
}

const planned = (report: StepReport): readonly PlannedAction[] =>
  (report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>).actions;

describe('lab steps: the proxy certificate', () => {
  it('is made on the first manager, as root, in the lab’s /data/traefik/certs, when there is none', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    cluster.rootOutput = () => 'dir: no\n';
    const [report] = await run(cluster, labConfig(cluster), 'proxy.certificate', true);
    assert.equal(report.nodes.length, 1);
    assert.equal(report.nodes[0].node, 'core-01');
    const shown = planned(report).map((a) => (a.kind === 'call' ? a.description : ''));
    assert.ok(shown[0].includes('mkdir -p -- /data/traefik/certs && chmod 0755 /data/traefik/certs'), shown[0]);
    assert.ok(shown[1].includes('cat > /data/traefik/certs/openssl.cnf'), shown[1]);
    assert.ok(shown[1].includes('subjectAltName = DNS:*.b3.swarm, DNS:b3.swarm'), shown[1]);
    assert.ok(shown[2].includes('umask 077') && shown[2].includes('chmod 0600'), shown[2]);
    assert.ok(!shown.join('\n').includes('BEGIN'), 'no key material in what is shown');
  });

  it('is already done when the certificate verifies, is fresh, names *.b3.swarm and its keys are 0600', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    cluster.rootOutput = () => ALL_OK;
    const reports = await run(cluster, labConfig(cluster), 'proxy.certificate');
    assert.deepEqual(
      reports.flatMap((r) => r.nodes.map((n) => n.outcome.kind)),
      ['already-done'],
    );
  });

  it('keeps the local lab’s certificate in its data folder, beside the Caddyfile', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    cluster.rootOutput = () => 'dir: no\n';
    const config = labConfig(cluster, { environment: 'local-lab', dataFolder: '/lab/shared/data' });
    const [report] = await run(cluster, config, 'proxy.certificate', true);
    const shown = planned(report).map((a) => (a.kind === 'call' ? a.description : ''));
    assert.ok(shown[0].includes('/lab/shared/data/caddy/certs'), shown[0]);
  });
});

describe('lab steps: the proxy', () => {
  it('deploys Caddy (Debian) in the local lab as proxy_caddy on host ports, saying it stands in for Traefik', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const config = labConfig(cluster, { environment: 'local-lab', dataFolder: '/lab/data' });
    const [report] = await run(cluster, config, 'proxy.deploy', true);
    const actions = planned(report);
    const upload = actions.find((a) => a.kind === 'upload');
    assert.ok(upload && upload.kind === 'upload');
    assert.equal(upload.path, 'swarm-lab/proxy/docker-compose.yml');
    assert.match(upload.content, /image: swarm-lab\/caddy-debian:2\.6/);
    assert.match(upload.content, /mode: host/);
    assert.ok(!upload.content.includes('traefik:'), 'a substitute never carries the original image’s name');
    assert.ok(
      actions.some(
        (a) =>
          a.kind === 'exec' &&
          a.command === 'docker stack deploy --resolve-image never -c swarm-lab/proxy/docker-compose.yml proxy',
      ),
    );
    assert.ok(actions.some((a) => a.kind === 'call' && a.description.includes('cat > /lab/data/caddy/Caddyfile')));
  });

  it('deploys Traefik on VMs, with its static config and the file provider’s certificate', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const [report] = await run(cluster, labConfig(cluster), 'proxy.deploy', true);
    const actions = planned(report);
    const upload = actions.find((a) => a.kind === 'upload');
    assert.ok(upload && upload.kind === 'upload');
    assert.match(upload.content, /image: traefik:v2\.11/);
    const files = actions.filter((a) => a.kind === 'call').map((a) => (a.kind === 'call' ? a.description : ''));
    assert.ok(files.some((d) => d.includes('cat > /data/traefik/traefik.toml')));
    assert.ok(files.some((d) => d.includes('cat > /data/traefik/tls.toml')));
  });

  it('fails proxy.running when a manager has no proxy task', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 3), { script: () => ({}) });
    const docker = cluster.docker.get('core-01')!;
    docker.nodeList = ['core-01', 'core-02', 'core-03'].map((h) => ({
      id: h,
      hostname: h,
      role: 'manager' as const,
      state: 'ready',
      availability: 'active',
      address: '10.0.0.1',
    }));
    docker.taskList = ['core-01', 'core-02'].map((node) => ({
      id: node,
      service: 'proxy_traefik',
      node,
      state: 'running',
      desiredState: 'running',
    }));
    const check = labChecks(labConfig(cluster), english).find((c) => c.id === 'proxy.running')!;
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'fail');
    assert.match(verdict.why, /core-03/);
  });
});
