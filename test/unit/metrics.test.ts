import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml } from '../../src/core/compose/composeYaml';
import { english } from '../../src/core/l10n';
import type { LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { targetsReport } from '../../src/core/labSteps/metrics';
import { contentHash, expectedTargets, metricsStack } from '../../src/core/labSteps/metricsStack';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, PlannedAction, StepReport } from '../../src/core/steps/step';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes, type Answer } from './stepFakes';
import { ROOT } from './repoFiles';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'metrics');
const NODES = labNodes(3, 1).map((n) => ({ name: n.name, address: n.address }));

function fixture(env: string, file: string): string {
  return fs.readFileSync(path.join(FIXTURES, env, file), 'utf8');
}

interface ComposeDoc {
  services: Record<
    string,
    {
      image: string;
      ports?: Array<{ target: number; published: number; mode: string }>;
      deploy: { mode?: string; endpoint_mode?: string; placement?: { constraints: string[] } };
      configs?: Array<{ source: string; target: string }>;
    }
  >;
  configs: Record<string, { name: string; file: string }>;
}

async function parse(text: string): Promise<ComposeDoc> {
  const Y = await loadYaml();
  return Y.parse(text) as ComposeDoc;
}

function target(job: string, instance: string, health: string, node?: string, lastError = ''): object {
  return { labels: { job, instance, ...(node ? { node } : {}) }, health, lastError };
}

function allUp(): object[] {
  return [
    target('prometheus', 'localhost:9090', 'up'),
    ...expectedTargets(NODES).map((t) => target(t.job, t.instance, 'up', t.node)),
  ];
}

const body = (targets: object[]): string => JSON.stringify({ status: 'success', data: { activeTargets: targets } });

describe('metrics: the monitoring stack files', () => {
  for (const env of ['vm', 'local-lab'] as const) {
    it(`generates the ${env} compose file and configurations of the fixtures`, () => {
      const stack = metricsStack({ environment: env }, NODES);
      assert.deepEqual(
        stack.files.map((f) => f.path),
        env === 'vm'
          ? ['docker-compose.yml', 'prometheus.yml', 'alertmanager.yml', 'grafana-datasource.yml']
          : ['docker-compose.yml', 'prometheus.yml', 'alertmanager.yml'],
      );
      for (const f of stack.files) {
        assert.equal(f.content, fixture(env, f.path), `${env}/${f.path}`);
      }
    });
  }

  it('on VMs: the lab images, cAdvisor and Grafana, ingress ports but node exporter per node', async () => {
    const stack = metricsStack({ environment: 'vm' }, NODES);
    const doc = await parse(stack.compose);
    assert.deepEqual(Object.fromEntries(Object.entries(doc.services).map(([n, s]) => [n, s.image])), {
      prometheus: 'prom/prometheus:v2.42.0',
      'node-exporter': 'prom/node-exporter:v1.5.0',
      cadvisor: 'gcr.io/cadvisor/cadvisor:v0.47.0',
      alertmanager: 'prom/alertmanager:v0.25.0',
      grafana: 'grafana/grafana:9.5.2',
    });
    assert.deepEqual(doc.services.prometheus.ports, [{ target: 9090, published: 9090, mode: 'ingress' }]);
    assert.deepEqual(doc.services['node-exporter'].ports, [{ target: 9100, published: 9100, mode: 'host' }]);
    assert.equal(doc.services['node-exporter'].deploy.mode, 'global');
    assert.equal(doc.services.prometheus.deploy.endpoint_mode, undefined);
    assert.deepEqual(stack.leftOut, []);
    assert.match(stack.prometheusConfig, /job_name: "cadvisor"/);
  });

  it('in the local lab: the Debian substitutes only, host-mode ports, DNS round robin, no VIP', async () => {
    const stack = metricsStack({ environment: 'local-lab' }, NODES);
    const doc = await parse(stack.compose);
    assert.deepEqual(Object.fromEntries(Object.entries(doc.services).map(([n, s]) => [n, s.image])), {
      prometheus: 'swarm-lab/prometheus-debian:2.42.0',
      'node-exporter': 'swarm-lab/node-exporter-debian:1.5.0',
      alertmanager: 'swarm-lab/alertmanager-debian:0.25.0',
    });
    for (const [name, s] of Object.entries(doc.services)) {
      assert.equal(s.deploy.endpoint_mode, 'dnsrr', name);
      assert.ok(
        (s.ports ?? []).every((p) => p.mode === 'host'),
        name,
      );
    }
    assert.deepEqual(stack.leftOut, ['cadvisor', 'grafana']);
    assert.doesNotMatch(stack.prometheusConfig, /cadvisor/);
  });

  it('scrapes each node at its own address, labelled with its name', () => {
    const stack = metricsStack({ environment: 'local-lab' }, NODES);
    for (const n of NODES) {
      assert.ok(
        stack.prometheusConfig.includes(`- targets: ["${n.address}:9323"]\n        labels: { node: "${n.name}" }`),
        n.name,
      );
      assert.ok(stack.prometheusConfig.includes(`- targets: ["${n.address}:9100"]`), n.name);
    }
    assert.equal(stack.expected.length, 6);
  });

  it('takes the images the setting names, Grafana included in the local lab', async () => {
    const stack = metricsStack(
      { environment: 'local-lab', images: { grafana: 'grafana/grafana:10.0.0', prometheus: ' my/prom:1 ' } },
      NODES,
    );
    const doc = await parse(stack.compose);
    assert.equal(doc.services.grafana.image, 'grafana/grafana:10.0.0');
    assert.equal(doc.services.prometheus.image, 'my/prom:1');
    assert.deepEqual(stack.leftOut, ['cadvisor']);
  });

  it('names each config after its content: another node is another Prometheus config', async () => {
    const three = await parse(metricsStack({ environment: 'vm' }, NODES).compose);
    const four = await parse(
      metricsStack({ environment: 'vm' }, [...NODES, { name: 'core-04', address: '172.17.8.104' }]).compose,
    );
    assert.notEqual(three.configs.prometheus_config.name, four.configs.prometheus_config.name);
    assert.equal(three.configs.alertmanager_config.name, four.configs.alertmanager_config.name);
    assert.match(three.configs.prometheus_config.name, /^mon_prometheus_config_[0-9a-f]{8}$/);
    assert.equal(contentHash('a'), contentHash('a'));
    assert.notEqual(contentHash('a'), contentHash('b'));
  });

  it('keeps a hostile node name or image one YAML value', async () => {
    const evil = 'x"\n  evil: [1]';
    const stack = metricsStack({ environment: 'vm', images: { prometheus: evil } }, [
      { name: evil, address: '10.0.0.1' },
    ]);
    const doc = await parse(stack.compose);
    assert.equal(doc.services.prometheus.image, evil);
    const Y = await loadYaml();
    const prom = Y.parse(stack.prometheusConfig) as {
      scrape_configs: Array<{ job_name: string; static_configs?: Array<{ labels?: { node: string } }> }>;
    };
    const dockerd = prom.scrape_configs.find((j) => j.job_name === 'dockerd');
    assert.equal(dockerd?.static_configs?.[0].labels?.node, evil);
  });
});

describe('metrics: Prometheus targets', () => {
  it('passes when every node target is up, counting them by job', () => {
    const r = targetsReport(body(allUp()), expectedTargets(NODES), english);
    assert.deepEqual(r, { ok: true, why: '7 targets up: dockerd 3, node-exporter 3, prometheus 1' });
  });

  it('says which targets are down, missing or not scraped yet', () => {
    const targets = allUp().filter(
      (t) => (t as { labels: { instance: string } }).labels.instance !== '172.17.8.103:9100',
    );
    targets[1] = target('dockerd', '172.17.8.101:9323', 'down', 'core-01', 'connection refused');
    targets[2] = target('dockerd', '172.17.8.102:9323', 'unknown', 'core-02');
    const r = targetsReport(body(targets), expectedTargets(NODES), english);
    assert.equal(r.ok, false);
    assert.equal(
      r.why,
      'node-exporter on core-03 (172.17.8.103:9100): not a target; ' +
        'dockerd on core-01 (172.17.8.101:9323) is down: connection refused; ' +
        'dockerd on core-02 (172.17.8.102:9323) is not scraped yet',
    );
  });

  it('fails on an answer that is not the targets list', () => {
    const r = targetsReport('<html>', expectedTargets(NODES), english);
    assert.equal(r.ok, false);
    assert.match(r.why, /something else than its targets/);
  });
});

describe('metrics: the step and the checks', () => {
  const kinds = (reports: StepReport[]): string[] =>
    reports.flatMap((r) => r.nodes.map((n) => `${r.stepId} ${n.node} ${n.outcome.kind}`));
  const run = (cluster: FakeLabCluster, config: LabStepConfig, dryRun = false): Promise<StepReport[]> =>
    runLabStep(
      labSteps(config, english).find((s) => s.id === 'metrics.stack')!,
      cluster,
      new RunValues(),
      {
        l10n: english,
        allowMachineChanges: true,
        ...(dryRun ? { dryRun: true } : {}),
      },
    );

  it('dry-runs the deployment on the first manager: files uploaded, then the exact deploy command', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const [report] = await run(cluster, labConfig(cluster, { environment: 'local-lab' }), true);
    assert.equal(report.nodes.length, 1);
    const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    const shown = planned.actions.map((a: PlannedAction) =>
      a.kind === 'exec' ? `$ ${a.command}` : a.kind === 'upload' ? `upload ${a.path}` : `call ${a.description}`,
    );
    assert.deepEqual(shown, [
      'call check that every node has swarm-lab/prometheus-debian:2.42.0, swarm-lab/node-exporter-debian:1.5.0, swarm-lab/alertmanager-debian:0.25.0 (docker image inspect)',
      '$ mkdir -p -- swarm-lab/metrics',
      'upload swarm-lab/metrics/docker-compose.yml',
      'upload swarm-lab/metrics/prometheus.yml',
      'upload swarm-lab/metrics/alertmanager.yml',
      '$ docker stack deploy --prune --resolve-image never -c swarm-lab/metrics/docker-compose.yml mon',
      'call follow the tasks of mon until every service runs (docker stack ps)',
      'call wait until Prometheus has every node target up (http://127.0.0.1:9090/api/v1/targets)',
    ]);
    const compose = planned.actions.find((a) => a.kind === 'upload' && a.path.endsWith('docker-compose.yml'));
    assert.ok(compose?.kind === 'upload');
    assert.equal(compose.content, fixture('local-lab', 'docker-compose.yml'));
    assert.deepEqual(cluster.commandsOf('core-01'), [], 'a dry run runs nothing');
  });

  /** A cluster whose manager runs the stack, converged, with the given Prometheus answer. */
  function deployed(targetsBody: string, configNames?: string[]): { cluster: FakeLabCluster; config: LabStepConfig } {
    const holder: { config?: LabStepConfig } = {};
    const script = (node: string, command: string): Answer => {
      if (command.startsWith('docker service inspect')) {
        const stack = metricsStack(holder.config!, NODES);
        return {
          stdout: [...stack.configs]
            .filter(([, names]) => names.length > 0)
            .map(([name, names]) => [`mon_${name}`, ...(configNames ?? names)].join(' '))
            .join('\n'),
        };
      }
      if (command === 'curl -fsS -m 5 http://127.0.0.1:9090/api/v1/targets') {
        return node === 'core-02' ? { stdout: targetsBody } : { code: 7, stderr: 'connection refused' };
      }
      return { code: 127, stderr: `unexpected ${command}` };
    };
    const cluster = new FakeLabCluster(labNodes(3, 1), { script });
    const config = labConfig(cluster);
    holder.config = config;
    const docker = cluster.docker.get('core-01')!;
    const stack = metricsStack(config, NODES);
    docker.serviceList = [...stack.services].map(([name, image]) => ({
      id: name,
      name: `mon_${name}`,
      image,
      mode: 'replicated' as const,
      running: 1,
      desired: 1,
    }));
    docker.taskList = [
      { id: 't1', service: 'mon_prometheus', node: 'core-02', state: 'running', desiredState: 'running' },
    ];
    return { cluster, config };
  }

  it('is already done when the stack runs with its configs and Prometheus sees every target up', async () => {
    const { cluster, config } = deployed(body(allUp()));
    const reports = await run(cluster, config);
    assert.deepEqual(kinds(reports), ['metrics.stack core-01 already-done']);
    const check = labChecks(config, english).find((c) => c.id === 'metrics.targets-up')!;
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'pass', verdict.why);
    assert.equal(verdict.why, 'core-01: Prometheus on core-02: 7 targets up: dockerd 3, node-exporter 3, prometheus 1');
  });

  it('redeploys when the Prometheus config changed (a node added), and the check names the target down', async () => {
    const down = allUp();
    down[3] = target('dockerd', '172.17.8.103:9323', 'down', 'core-03', 'connection refused');
    const { cluster, config } = deployed(body(down), ['mon_prometheus_config_00000000']);
    const [report] = await run(cluster, config, true);
    const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    assert.equal(planned.kind, 'planned');
    assert.ok(planned.actions.some((a) => a.kind === 'exec' && a.command.startsWith('docker stack deploy')));
    const check = labChecks(config, english).find((c) => c.id === 'metrics.targets-up')!;
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'fail');
    assert.match(verdict.why, /dockerd on core-03 \(172\.17\.8\.103:9323\) is down: connection refused/);
  });

  it('checks every engine’s metrics endpoint', async () => {
    const cluster = new FakeLabCluster(labNodes(2, 1), {
      script: (node) =>
        node === 'core-01'
          ? { stdout: '# HELP engine_daemon_engine_info\nengine_daemon_engine_info{version="20.10"} 1\nx 2\n' }
          : { code: 7, stderr: 'curl: (7) Failed to connect' },
    });
    const check = labChecks(labConfig(cluster), english).find((c) => c.id === 'metrics.engine-endpoint')!;
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'fail');
    assert.equal(
      verdict.why,
      'core-02: no metrics on :9323 (curl: (7) Failed to connect): run docker.config (metrics-addr 0.0.0.0:9323)',
    );
    assert.deepEqual(cluster.commandsOf('core-01'), ['curl -fsS -m 5 http://127.0.0.1:9323/metrics']);
  });
});
