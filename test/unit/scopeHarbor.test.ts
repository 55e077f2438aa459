import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml } from '../../src/core/compose/composeYaml';
import { english } from '../../src/core/l10n';
import { HARBOR_DEFAULTS, harborHealth, harborYml, maskedHarborYml } from '../../src/core/labSteps/harbor';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { scopeEvidence, scopeRunCommand } from '../../src/core/labSteps/scope';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, PlannedAction } from '../../src/core/steps/step';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes } from './stepFakes';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
const TOKEN = 'scope-tok3n-abcdef';
const INSPECT_FORMAT =
  "docker container inspect --format '{{json .Config.Image}}|{{json .Args}}|{{.State.Running}}' weavescope";

describe('Weave Scope: scope.launch, scope.running, scope.inspect', () => {
  it('runs what `scope launch` runs, the token one argument, masked in the log, the dry run and the evidence', async () => {
    assert.equal(
      scopeRunCommand('weaveworks/scope:1.13.2', undefined).text,
      'docker run -d --name weavescope --restart=always --privileged --userns=host --net=host --pid=host -v /var/run/docker.sock:/var/run/docker.sock:rw -v /var/run/scope/plugins:/var/run/scope/plugins -v /sys/kernel/debug:/sys/kernel/debug -e CHECKPOINT_DISABLE weaveworks/scope:1.13.2 --probe.docker=true',
    );
    let running = false;
    const cluster = new FakeLabCluster(labNodes(2, 1), {
      script: (_n, command) =>
        command === INSPECT_FORMAT
          ? running
            ? { stdout: `"weaveworks/scope:1.13.2"|["--probe.docker=true","--service-token=${TOKEN}"]|true\n` }
            : { code: 1, stderr: 'Error: No such object: weavescope' }
          : command.startsWith('docker run')
            ? ((running = true), { stdout: 'c0ffee\n' })
            : {},
    });
    const config = labConfig(cluster, { scopeToken: TOKEN });
    const step = labSteps(config, english).find((s) => s.id === 'scope.launch')!;
    const log: string[] = [];
    const dry = await runLabStep(step, cluster, new RunValues(), {
      l10n: english,
      allowMachineChanges: true,
      dryRun: true,
    });
    const planned = dry[0].nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    const shown = (planned.actions[0] as Extract<PlannedAction, { kind: 'exec' }>).command;
    assert.ok(shown.endsWith('--probe.docker=true ***'), shown);
    const [report] = await runLabStep(step, cluster, new RunValues(), {
      l10n: english,
      allowMachineChanges: true,
      events: stepLog((line) => log.push(line), { l10n: english, clock: null }),
    });
    assert.deepEqual(
      report.nodes.map((n) => n.outcome.kind),
      ['ok', 'ok'],
    );
    const sent = cluster.commandsOf('core-01').find((c) => c.startsWith('docker run'))!;
    assert.ok(sent.endsWith(`--service-token=${TOKEN}`), 'the real command carries the token');
    const everything = JSON.stringify({ log, report });
    assert.ok(!everything.includes(TOKEN), 'the token leaked into the log or the report');
    const again = await runLabStep(step, cluster, new RunValues(), { l10n: english, allowMachineChanges: true });
    assert.deepEqual(
      again[0].nodes.map((n) => n.outcome.kind),
      ['already-done', 'already-done'],
    );
    const verdict = await runLabCheck(
      labChecks(config, english).find((c) => c.id === 'scope.running')!,
      cluster,
      english,
    );
    assert.equal(verdict.state, 'pass', verdict.why);
  });

  it('is unavailable in the local lab unless the real image is named in the settings, and says how to get it', () => {
    const cluster = new FakeLabCluster(labNodes(1), { script: () => ({}) });
    const local = labSteps(labConfig(cluster, { environment: 'local-lab' }), english);
    assert.match(
      local.find((s) => s.id === 'scope.launch')!.unavailable ?? '',
      /Debian has no Weave Scope.*Load Images from Archives/,
    );
    assert.match(
      labChecks(labConfig(cluster, { environment: 'local-lab' }), english).find((c) => c.id === 'scope.running')!
        .unavailable ?? '',
      /weaveworks\/scope/,
    );
    const loaded = labSteps(
      labConfig(cluster, { environment: 'local-lab', images: { scope: 'weaveworks/scope:1.13.2' } }),
      english,
    );
    assert.equal(loaded.find((s) => s.id === 'scope.launch')!.unavailable, undefined);
  });

  it('reads Q1’s evidence from inspect: the Docker socket, privileges, host namespaces; the token masked', () => {
    const inspect = JSON.stringify([
      {
        Args: ['--probe.docker=true', `--service-token=${TOKEN}`],
        Config: { Image: 'weaveworks/scope:1.13.2' },
        HostConfig: {
          Privileged: true,
          CapAdd: null,
          NetworkMode: 'host',
          PidMode: 'host',
          IpcMode: 'private',
          UsernsMode: 'host',
        },
        Mounts: [
          { Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true },
          { Source: '/sys/kernel/debug', Destination: '/sys/kernel/debug', RW: true },
        ],
      },
    ]);
    assert.equal(
      scopeEvidence(inspect, [TOKEN]),
      [
        'image: weaveworks/scope:1.13.2',
        'docker socket: /var/run/docker.sock -> /var/run/docker.sock',
        'privileged: yes (every capability, every device)',
        'capabilities added: -',
        'network: host',
        'pid: host',
        'ipc: private',
        'userns: host',
        'mounts: /var/run/docker.sock -> /var/run/docker.sock, /sys/kernel/debug -> /sys/kernel/debug',
        'args: --probe.docker=true --service-token=<redacted>',
      ].join('\n'),
    );
  });
});

describe('Harbor: harbor.install, harbor.healthy', () => {
  const settings = { ...HARBOR_DEFAULTS, adminPassword: 'Adm1n "quoted" $(pass)', databasePassword: 'db-pass' };

  it('writes harbor.yml from the settings (the fixture), valid YAML, passwords masked when shown', async () => {
    const text = harborYml(settings);
    assert.equal(text, fs.readFileSync(path.join(FIXTURES, 'harbor', 'harbor.yml'), 'utf8'));
    const Y = await loadYaml();
    const parsed = Y.parse(text) as { harbor_admin_password: string; https: { certificate: string } };
    assert.equal(parsed.harbor_admin_password, settings.adminPassword);
    assert.equal(parsed.https.certificate, '/data/traefik/certs/b3.swarm.crt');
    assert.ok(!maskedHarborYml(settings).includes('Adm1n') && !maskedHarborYml(settings).includes('db-pass'));
  });

  it('reads the health API: healthy, or the components that are not', () => {
    assert.deepEqual(
      harborHealth(
        '{"status":"healthy","components":[{"name":"core","status":"healthy"},{"name":"registry","status":"healthy"}]}',
      ),
      { healthy: true, why: 'healthy: core, registry' },
    );
    assert.deepEqual(
      harborHealth(
        '{"status":"unhealthy","components":[{"name":"core","status":"healthy"},{"name":"database","status":"unhealthy","error":"dial tcp"}]}',
      ),
      { healthy: false, why: 'unhealthy: database unhealthy (dial tcp)' },
    );
    assert.equal(harborHealth('<html>').healthy, false);
  });

  it('plans the install without showing a password; unavailable in the local lab with what it needs', async () => {
    const cluster = new FakeLabCluster(labNodes(1), { script: () => ({ code: 7 }) });
    const config = labConfig(cluster, { harbor: { adminPassword: 'Adm1n-secret' } });
    const step = labSteps(config, english).find((s) => s.id === 'harbor.install')!;
    assert.equal(step.unavailable, undefined);
    const [dry] = await runLabStep(step, cluster, new RunValues(), {
      l10n: english,
      allowMachineChanges: true,
      dryRun: true,
    });
    const planned = dry.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    assert.ok(!JSON.stringify(planned).includes('Adm1n-secret'));
    assert.match(JSON.stringify(planned), /harbor-offline-installer-v2\.11\.1\.tgz/);
    assert.match(JSON.stringify(planned), /install\.sh/);
    const local = labConfig(cluster, { environment: 'local-lab', harbor: { adminPassword: 'x' } });
    assert.match(
      labSteps(local, english).find((s) => s.id === 'harbor.install')!.unavailable ?? '',
      /4 GB of memory.*offline installer/,
    );
    assert.match(
      labSteps(labConfig(cluster), english).find((s) => s.id === 'harbor.install')!.unavailable ?? '',
      /administrator password/,
    );
    assert.equal(
      (
        await runLabCheck(
          labChecks(local, english).find((c) => c.id === 'harbor.healthy')!,
          cluster,
          english,
        )
      ).state,
      'unknown',
    );
  });
});
