import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SudoMachine } from '../../src/clients/steps/sshNodeSession';
import { english } from '../../src/core/l10n';
import { converged, waitConverged } from '../../src/core/labSteps/convergence';
import { managerCount, swarmRoles, type LabStep, type LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { sh } from '../../src/core/shell/shellQuote';
import type { SshConnection } from '../../src/clients/ssh/sshConnection';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, PlannedAction, StepReport } from '../../src/core/steps/step';
import { FakeDocker, FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes, type Answer } from './stepFakes';

const DAEMON_READ = `if [ -e /etc/docker/daemon.json ]; then cat -- /etc/docker/daemon.json; else exit 3; fi`;
const EXPERIMENTAL = `docker version --format '{{.Server.Experimental}}'`;
const METRICS = 'curl -fsS -o /dev/null -m 5 http://127.0.0.1:9323/metrics';

function step(config: LabStepConfig, id: string): LabStep {
  const found = labSteps(config, english).find((s) => s.id === id);
  assert.ok(found, id);
  return found;
}

async function run(
  cluster: FakeLabCluster,
  config: LabStepConfig,
  id: string,
  options: { dryRun?: boolean; only?: string; values?: RunValues; log?: string[] } = {},
): Promise<StepReport[]> {
  return runLabStep(step(config, id), cluster, options.values ?? new RunValues(), {
    l10n: english,
    allowMachineChanges: true,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.only ? { only: options.only } : {}),
    events: stepLog((line) => options.log?.push(line), { l10n: english, clock: null }),
  });
}

const kinds = (reports: StepReport[]): string[] =>
  reports.flatMap((r) => r.nodes.map((n) => `${r.stepId} ${n.node} ${n.outcome.kind}`));

/**
 * The arguments a POSIX shell really passes to `program` when it runs the
 * command text: the proof that a hostile value stays one word.
 */
function argvOf(commandText: string, program: string): string[] {
  const out = execFileSync('sh', ['-c', `${program}() { printf '%s\\0' "$@"; }\n${commandText}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('lab steps: the swarm layout', () => {
  it('keeps an odd number of managers and at least one worker', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => managerCount(n, 3)),
      [1, 1, 1, 3, 3],
    );
    assert.equal(managerCount(5, 5), 3);
    assert.equal(managerCount(5, 0), 1);
  });

  it('gives the first nodes the manager places, and never demotes a manager', () => {
    assert.deepEqual(
      [...swarmRoles(['core-01', 'core-02', 'core-03'], 3)],
      [
        ['core-01', 'manager'],
        ['core-02', 'worker'],
        ['core-03', 'worker'],
      ],
    );
    assert.deepEqual(
      [...swarmRoles(['core-01', 'core-02', 'core-03'], 1, new Set(['core-03']))].map(([, r]) => r),
      ['worker', 'worker', 'manager'],
    );
  });
});

describe('lab steps: docker.config', () => {
  const files: Record<string, string | undefined> = {
    'core-01': undefined,
    'core-02': '{\n    "log-driver": "json-file",\n    "experimental": false\n}\n',
    'core-03': '{"log-driver": ',
  };
  const script = (node: string, command: string): Answer => {
    if (command === DAEMON_READ) {
      const file = files[node];
      return file === undefined ? { code: 3 } : { stdout: file };
    }
    if (command.startsWith('i=0; until docker version')) {
      return { stdout: 'Docker 20.10.24, experimental true\n' };
    }
    return { code: 127, stderr: `unexpected ${command}` };
  };

  it('merges the keys (keeping the others), restarts and waits; a node with invalid JSON fails and is left alone', async () => {
    const cluster = new FakeLabCluster(labNodes(3), { script });
    const log: string[] = [];
    const [report] = await run(cluster, labConfig(cluster), 'docker.config', { log });
    assert.deepEqual(kinds([report]), [
      'docker.config core-01 ok',
      'docker.config core-02 ok',
      'docker.config core-03 failed',
    ]);
    const failed = report.nodes[2].outcome as Extract<NodeOutcome, { kind: 'failed' }>;
    assert.equal(failed.stage, 'check');
    assert.match(failed.reason, /^\/etc\/docker\/daemon\.json is not valid JSON \(.*\); it was left untouched\.$/);
    assert.deepEqual(cluster.commandsOf('core-03'), [DAEMON_READ]);
    assert.equal(cluster.stdin.get('core-03'), undefined);

    assert.equal(cluster.stdin.get('core-01'), '{\n  "experimental": true,\n  "metrics-addr": "0.0.0.0:9323"\n}\n');
    assert.equal(
      cluster.stdin.get('core-02'),
      '{\n    "log-driver": "json-file",\n    "experimental": true,\n    "metrics-addr": "0.0.0.0:9323"\n}\n',
    );
    const core02 = cluster.commandsOf('core-02');
    assert.equal(core02[0], DAEMON_READ);
    assert.equal(
      core02[1],
      'root: umask 022 && mkdir -p /etc/docker && cat > /etc/docker/daemon.json.swarm-lab.tmp && mv -f -- /etc/docker/daemon.json.swarm-lab.tmp /etc/docker/daemon.json',
    );
    assert.equal(core02[2], 'restart-engine');
    assert.match(core02[3], /^i=0; until docker version/);
    assert.ok(log.includes('[core-02] + sudo -n systemctl restart docker'), log.join('\n'));
  });

  it('only restarts an engine whose file is right but which runs without the settings; leaves a good one alone', async () => {
    const good = '{"experimental": true, "metrics-addr": "0.0.0.0:9323"}';
    const cluster = new FakeLabCluster(labNodes(2), {
      script: (node, command) => {
        if (command === DAEMON_READ) {
          return { stdout: good };
        }
        if (command === EXPERIMENTAL) {
          return { stdout: node === 'core-01' ? 'true\n' : 'false\n' };
        }
        if (command === METRICS) {
          return {};
        }
        return script(node, command);
      },
    });
    const [report] = await run(cluster, labConfig(cluster), 'docker.config');
    assert.deepEqual(kinds([report]), ['docker.config core-01 already-done', 'docker.config core-02 ok']);
    assert.deepEqual(cluster.commandsOf('core-01'), [DAEMON_READ, EXPERIMENTAL, METRICS]);
    assert.deepEqual(cluster.commandsOf('core-02').slice(2, 3), ['restart-engine']);
    assert.equal(cluster.stdin.get('core-02'), undefined);
  });
});

describe('lab steps: swarm.init-join', () => {
  const noCommands = (): Answer => ({ code: 127, stderr: 'no command expected' });

  it('inits on the first manager, joins the others with the tokens read through its API, never showing them', async () => {
    const cluster = new FakeLabCluster(labNodes(5, 3), { script: noCommands });
    const log: string[] = [];
    const config = labConfig(cluster, { addressPool: '10.214.0.0/16' });
    const reports = await run(cluster, config, 'swarm.init-join', { log });
    assert.deepEqual(kinds(reports), [
      'swarm.init core-01 ok',
      'swarm.join core-01 already-done',
      'swarm.join core-02 ok',
      'swarm.join core-03 ok',
      'swarm.join core-04 ok',
      'swarm.join core-05 ok',
    ]);
    const d = (n: string): FakeDocker => cluster.docker.get(n)!;
    assert.deepEqual(d('core-01').calls, [
      'init {"advertiseAddr":"172.17.8.101","listenAddr":"172.17.8.101:2377","addressPool":"10.214.0.0/16"}',
      'tokens',
    ]);
    assert.deepEqual(d('core-02').calls, [
      'join {"advertiseAddr":"172.17.8.102","listenAddr":"172.17.8.102:2377","remoteAddr":"172.17.8.101:2377","token":"SWMTKN-1-manager-secret"}',
    ]);
    assert.match(d('core-05').calls[0], /"token":"SWMTKN-1-worker-secret"/);
    assert.ok(!log.some((l) => l.includes('SWMTKN')), 'a token reached the log');
    assert.ok(
      log.includes(
        '[core-04] + docker swarm join --token *** --advertise-addr 172.17.8.104 --listen-addr 172.17.8.104:2377 172.17.8.101:2377 (as a worker, through the API)',
      ),
    );
    assert.deepEqual(cluster.commandsOf('core-02'), []);
    // The evidence names the command first, as every other step's does (the panel quotes it as `$ command`).
    const evidence = reports.flatMap((r) =>
      r.nodes.flatMap((n) =>
        n.outcome.kind === 'ok' && n.outcome.evidence ? [`${n.node}: ${n.outcome.evidence}`] : [],
      ),
    );
    assert.equal(
      evidence[0],
      'core-01: $ docker swarm init --advertise-addr 172.17.8.101 --listen-addr 172.17.8.101:2377 --default-addr-pool 10.214.0.0/16 (through the API)\nSwarm initialized: core-01 (172.17.8.101) is now a manager.',
    );
    assert.match(evidence[1], /^core-02: \$ docker swarm join --token \*\*\* --advertise-addr 172\.17\.8\.102 /);
    assert.ok(!evidence.some((e) => e.includes('SWMTKN')), 'a token reached the evidence');
  });

  it('is idempotent: a second run reads the tokens and changes nothing', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: noCommands });
    const config = labConfig(cluster);
    await run(cluster, config, 'swarm.init-join');
    cluster.docker.forEach((d) => d.calls.splice(0));
    const again = await run(cluster, config, 'swarm.init-join');
    assert.deepEqual(kinds(again), [
      'swarm.init core-01 already-done',
      'swarm.join core-01 already-done',
      'swarm.join core-02 already-done',
      'swarm.join core-03 already-done',
    ]);
    assert.deepEqual(
      [...cluster.docker.values()].map((d) => d.calls),
      [['tokens'], [], []],
    );
  });

  it('runs on one chosen node: the init where it must, the join only there', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: noCommands });
    const reports = await run(cluster, labConfig(cluster), 'swarm.init-join', { only: 'core-03' });
    assert.deepEqual(kinds(reports), ['swarm.init core-01 ok', 'swarm.join core-03 ok']);
    assert.deepEqual(cluster.docker.get('core-02')!.calls, []);
  });

  it('takes a node out of another swarm (its manager gone) before it joins; one in this swarm stays', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: noCommands });
    // core-02: still a worker of a swarm whose manager was elsewhere; core-03: already joined to this one.
    cluster.docker.get('core-02')!.facts = {
      swarmState: 'active',
      isManager: false,
      remoteManagers: ['10.9.9.9:2377'],
    };
    cluster.docker.get('core-03')!.facts = {
      swarmState: 'active',
      isManager: false,
      remoteManagers: ['172.17.8.101:2377'],
    };
    const reports = await run(cluster, labConfig(cluster), 'swarm.init-join');
    assert.deepEqual(kinds(reports).slice(2), ['swarm.join core-02 ok', 'swarm.join core-03 already-done']);
    assert.deepEqual(
      cluster.docker.get('core-02')!.calls.map((c) => c.split(' ')[0]),
      ['leave', 'join'],
    );
    assert.deepEqual(cluster.docker.get('core-03')!.calls, []);
  });

  it('takes the first manager out of a swarm it is a worker of, then starts the lab’s there', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: noCommands });
    cluster.docker.get('core-01')!.facts = {
      swarmState: 'active',
      isManager: false,
      remoteManagers: ['10.9.9.9:2377'],
    };
    const reports = await run(cluster, labConfig(cluster), 'swarm.init-join');
    assert.deepEqual(kinds(reports), [
      'swarm.init core-01 ok',
      'swarm.join core-01 already-done',
      'swarm.join core-02 ok',
      'swarm.join core-03 ok',
    ]);
    assert.deepEqual(
      cluster.docker.get('core-01')!.calls.map((c) => c.split(' ')[0]),
      ['leave', 'init', 'tokens'],
    );
  });

  it('fails a node that is joining elsewhere with the reason, the others unaffected', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: noCommands });
    cluster.docker.get('core-02')!.facts = { swarmState: 'pending', isManager: false };
    const reports = await run(cluster, labConfig(cluster), 'swarm.init-join');
    assert.deepEqual(kinds(reports).slice(2), ['swarm.join core-02 failed', 'swarm.join core-03 ok']);
  });
});

describe('lab steps: keepalived', () => {
  const inspect = `docker container inspect --format '{{json .Config.Env}}|{{.State.Running}}' keepalived`;
  const missing = (_node: string, command: string): Answer =>
    command === inspect ? { code: 1, stderr: 'Error: No such object: keepalived\n' } : {};

  it('runs the lab command on every node: priorities 200, 199, 198, the other nodes as peers', async () => {
    const cluster = new FakeLabCluster(labNodes(3), { script: missing });
    const [report] = await run(cluster, labConfig(cluster), 'keepalived.deploy');
    assert.deepEqual(kinds([report]), [
      'keepalived.deploy core-01 ok',
      'keepalived.deploy core-02 ok',
      'keepalived.deploy core-03 ok',
    ]);
    const command = cluster.commandsOf('core-02')[1];
    assert.deepEqual(argvOf(command, 'docker'), [
      'run',
      '-d',
      '--name',
      'keepalived',
      '--restart=always',
      '--cap-add=NET_ADMIN',
      '--net=host',
      '-e',
      'KEEPALIVED_VIRTUAL_IPS=172.17.8.100',
      '-e',
      "KEEPALIVED_UNICAST_PEERS=#PYTHON2BASH:['172.17.8.101', '172.17.8.103']",
      '-e',
      'KEEPALIVED_PRIORITY=199',
      '-e',
      'KEEPALIVED_INTERFACE=eth1',
      'osixia/keepalived:2.0.10',
    ]);
    assert.match(cluster.commandsOf('core-01')[1], /KEEPALIVED_PRIORITY=200/);
    assert.match(cluster.commandsOf('core-03')[1], /KEEPALIVED_PRIORITY=198/);
  });

  it('starts a stopped container, replaces one with other settings, leaves a good one alone', async () => {
    const cluster = new FakeLabCluster(labNodes(3), { script: () => ({}) });
    const config = labConfig(cluster);
    const envOf = (priority: number, peers: string): string =>
      JSON.stringify([
        'KEEPALIVED_VIRTUAL_IPS=172.17.8.100',
        `KEEPALIVED_UNICAST_PEERS=#PYTHON2BASH:[${peers}]`,
        `KEEPALIVED_PRIORITY=${priority}`,
        'KEEPALIVED_INTERFACE=eth1',
        'PATH=/bin',
      ]);
    const states: Record<string, string> = {
      'core-01': `${envOf(200, "'172.17.8.102', '172.17.8.103'")}|true`,
      'core-02': `${envOf(199, "'172.17.8.101', '172.17.8.103'")}|false`,
      'core-03': `${envOf(150, "'172.17.8.101', '172.17.8.102'")}|true`,
    };
    const scripted = new FakeLabCluster(labNodes(3), {
      script: (node, command) => (command === inspect ? { stdout: `${states[node]}\n` } : {}),
    });
    const [report] = await run(
      scripted,
      { ...config, sessionOf: (n) => scripted.openSession(scripted.nodes.find((x) => x.name === n)!) },
      'keepalived.deploy',
    );
    assert.deepEqual(kinds([report]), [
      'keepalived.deploy core-01 already-done',
      'keepalived.deploy core-02 ok',
      'keepalived.deploy core-03 ok',
    ]);
    assert.deepEqual(scripted.commandsOf('core-02').slice(1), ['docker start keepalived']);
    assert.equal(scripted.commandsOf('core-03')[1], 'docker rm -f keepalived');
    assert.match(scripted.commandsOf('core-03')[2], /^docker run -d --name keepalived/);
    assert.equal(cluster.commandsOf('core-01').length, 0);
  });

  it('keeps hostile settings one word each: nothing is run, nothing is split', async () => {
    const marker = path.join(os.tmpdir(), `swarm-lab-pwned-${process.pid}`);
    const hostile = `'; touch ${marker} #$(touch ${marker})\`touch ${marker}\``;
    const cluster = new FakeLabCluster(labNodes(2), { script: missing });
    await run(cluster, labConfig(cluster, { virtualIp: hostile, interface: '$(touch x) eth1' }), 'keepalived.deploy');
    const argv = argvOf(cluster.commandsOf('core-01')[1], 'docker');
    assert.ok(argv.includes(`KEEPALIVED_VIRTUAL_IPS=${hostile}`), argv.join('\n'));
    assert.ok(argv.includes('KEEPALIVED_INTERFACE=$(touch x) eth1'));
    assert.equal(argv.at(-1), 'osixia/keepalived:2.0.10');
    assert.ok(!fs.existsSync(marker));
  });

  describe('the virtual IP', () => {
    const ipLine = (addr: string): string =>
      `2: eth1    inet ${addr}/24 brd x scope global eth1\\       valid_lft forever`;
    function vipLab(holders: string[]): FakeLabCluster {
      const held = new Set(holders);
      return new FakeLabCluster(labNodes(3), {
        script: (node, command) => {
          if (command === 'ip -o -4 addr show') {
            return {
              stdout: `${ipLine('172.17.8.10' + node.slice(-1))}\n${held.has(node) ? ipLine('172.17.8.100').replace('/24', '/32') : ''}\n`,
            };
          }
          if (command === 'docker stop keepalived') {
            held.delete(node);
            held.add(node === 'core-01' ? 'core-02' : 'core-01');
            return { stdout: 'keepalived\n' };
          }
          return { code: 127 };
        },
      });
    }

    it('says which node holds it, and refuses none or several', async () => {
      for (const [holders, state, why] of [
        [['core-02'], 'pass', 'core-02 holds 172.17.8.100'],
        [[], 'fail', 'No node holds 172.17.8.100.'],
        [['core-01', 'core-03'], 'fail', 'Several nodes hold 172.17.8.100 (split brain): core-01, core-03'],
      ] as const) {
        const cluster = vipLab([...holders]);
        const check = labChecks(labConfig(cluster), english).find((c) => c.id === 'keepalived.vip-single')!;
        const verdict = await runLabCheck(check, cluster, english);
        assert.deepEqual({ state: verdict.state, why: verdict.why }, { state, why });
      }
    });

    it('fails over: only the holder stops keepalived, and the step tells where the address went', async () => {
      const cluster = vipLab(['core-01']);
      const [report] = await run(cluster, labConfig(cluster), 'keepalived.failover');
      assert.deepEqual(kinds([report]), [
        'keepalived.failover core-01 ok',
        'keepalived.failover core-02 already-done',
        'keepalived.failover core-03 already-done',
      ]);
      const ok = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'ok' }>;
      assert.match(ok.evidence ?? '', /\n172\.17\.8\.100 moved from core-01 to core-02 in \d+\.\d s$/);
      assert.ok(!cluster.commandsOf('core-02').includes('docker stop keepalived'));
    });

    it('takes the nsenter evidence on the holder only, as root', async () => {
      const cluster = vipLab(['core-03']);
      cluster.rootOutput = () => 'net     net:[1]   net:[1]   yes\n';
      const [report] = await run(cluster, labConfig(cluster), 'keepalived.nsenter');
      const evidence = report.nodes.map((n) => (n.outcome.kind === 'ok' ? (n.outcome.evidence ?? '') : n.outcome.kind));
      assert.deepEqual(evidence.slice(0, 2), ['', '']);
      assert.match(evidence[2], /net:\[1\]/);
      assert.match(cluster.commandsOf('core-03').at(-1) ?? '', /^root: set -e\npid=\$\(docker inspect/);
    });
  });
});

describe('lab steps: compose, stack and registry', () => {
  it('installs docker-compose as root with the URL as one word, on the local lab too (from its download folder)', async () => {
    const version = `PATH="$PATH:/usr/local/bin:/opt/bin" docker-compose version --short`;
    let installed = false;
    const cluster = new FakeLabCluster(labNodes(1), {
      script: (_n, command) => (command === version ? (installed ? { stdout: '1.29.2\n' } : { code: 127 }) : {}),
    });
    cluster.rootOutput = () => {
      installed = true;
      return 'docker-compose installed in /opt/bin\n';
    };
    const url = 'https://example.invalid/$(reboot)/docker-compose';
    const log: string[] = [];
    const [report] = await run(cluster, labConfig(cluster, { composeUrl: url }), 'compose.install', { log });
    assert.equal(report.nodes[0].outcome.kind, 'ok');
    const root = cluster.commandsOf('core-01')[1];
    assert.deepEqual(argvOf(root.replace(/^root: /, ''), 'sh').slice(-2), ['sh', url]);
    assert.ok(log.some((l) => l.startsWith("[core-01] + sudo -n sh -c 'sh -c '\\''set -e")));
    const again = await run(cluster, labConfig(cluster), 'compose.install');
    assert.deepEqual(kinds(again), ['compose.install core-01 already-done']);

    // The local lab takes the same path, from its own download folder (its nodes have no Internet).
    let localInstalled = false;
    const local = new FakeLabCluster(labNodes(1), {
      script: (_n, command) => (command === version && localInstalled ? { stdout: '1.29.2\n' } : { code: 127 }),
    });
    local.rootOutput = () => {
      localInstalled = true;
      return 'docker-compose installed in /usr/local/bin\n';
    };
    const [offline] = await run(
      local,
      labConfig(local, {
        environment: 'local-lab',
        composeUrl: 'file:///usr/share/swarm-lab/downloads/docker-compose',
      }),
      'compose.install',
    );
    assert.equal(offline.nodes[0].outcome.kind, 'ok');
    assert.deepEqual(argvOf(local.commandsOf('core-01')[1].replace(/^root: /, ''), 'sh').slice(-2), [
      'sh',
      'file:///usr/share/swarm-lab/downloads/docker-compose',
    ]);
  });

  it('dry-runs the deployment: the project uploaded in local form, then the exact deploy command', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const [report] = await run(cluster, labConfig(cluster), 'stack.deploy', { dryRun: true });
    const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    assert.equal(report.nodes.length, 1);
    const shown = planned.actions.map((a: PlannedAction) =>
      a.kind === 'exec' ? `$ ${a.command}` : a.kind === 'upload' ? `upload ${a.path}` : `call ${a.description}`,
    );
    assert.deepEqual(shown, [
      'call check that every node has python-app:latest, app-proxy:latest (docker image inspect)',
      '$ mkdir -p -- swarm-lab/python_dirty_app swarm-lab/python_dirty_app/proxy swarm-lab/python_dirty_app/python-app',
      'upload swarm-lab/python_dirty_app/docker-compose.yml',
      'upload swarm-lab/python_dirty_app/proxy/Dockerfile',
      'upload swarm-lab/python_dirty_app/proxy/nginx.conf',
      'upload swarm-lab/python_dirty_app/python-app/Dockerfile',
      'upload swarm-lab/python_dirty_app/python-app/app.py',
      '$ docker stack deploy --resolve-image never -c swarm-lab/python_dirty_app/docker-compose.yml python_dirty_app',
      'call follow the tasks of python_dirty_app until every service runs (docker stack ps)',
      `$ i=0; until curl -fsS -m 5 http://127.0.0.1:8080/; do i=$((i+1)); if [ "$i" -ge 30 ]; then exit 1; fi; sleep 1; done`,
    ]);
    const compose = planned.actions.find((a) => a.kind === 'upload' && a.path.endsWith('docker-compose.yml'));
    assert.ok(compose?.kind === 'upload');
    assert.match(compose.content, /^ {4}image: python-app:latest$/m);
    assert.match(compose.content, /^ {4}image: app-proxy:latest$/m);
    assert.ok(!compose.content.includes('m1.swarm:5000/'));
    assert.deepEqual(cluster.commandsOf('core-01'), [], 'a dry run runs nothing');
  });

  it('refuses to deploy when a node lacks an image of the stack, naming the node and the image', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), {
      script: (node, command) =>
        node === 'core-03' && command.endsWith(' app-proxy:latest') ? { code: 1, stderr: 'No such image' } : {},
    });
    const [report] = await run(cluster, labConfig(cluster), 'stack.deploy');
    const failed = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'failed' }>;
    assert.match(failed.reason, /Images missing \(run stack\.build-local first\): core-03: app-proxy:latest$/);
    assert.ok(!cluster.commandsOf('core-01').some((c) => c.startsWith('docker stack deploy')));
  });

  it('quotes a hostile stack name in the deploy command', async () => {
    const cluster = new FakeLabCluster(labNodes(1), { script: () => ({}) });
    const name = 'x; touch /tmp/p $(id)';
    const [report] = await run(cluster, labConfig(cluster, { stackName: name }), 'stack.deploy', { dryRun: true });
    const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    const deploy = planned.actions.find((a) => a.kind === 'exec' && a.command.startsWith('docker stack deploy'));
    assert.ok(deploy?.kind === 'exec');
    assert.equal(argvOf(deploy.command, 'docker').at(-1), name);
  });

  it('counts a stack running from the registry as deployed (a later section), and waits for one still converging', async () => {
    const cluster = new FakeLabCluster(labNodes(1), { script: () => ({}) });
    const docker = cluster.docker.get('core-01')!;
    const svc = (name: string, image: string, running: number, desired: number) => ({
      id: name,
      name: `python_dirty_app_${name}`,
      image,
      mode: 'replicated' as const,
      running,
      desired,
    });
    docker.serviceList = [
      svc('python-app', 'm1.swarm:5000/python-app:latest', 3, 3),
      svc('database', 'redis', 1, 1),
      svc('app-proxy', 'm1.swarm:5000/app-proxy:latest', 3, 3),
    ];
    const config = labConfig(cluster);
    assert.deepEqual(kinds(await run(cluster, config, 'stack.deploy')), ['stack.deploy core-01 already-done']);
    docker.serviceList = [...docker.serviceList.slice(0, 2), { ...docker.serviceList[2], running: 3, desired: 2 }];
    const [report] = await run(cluster, config, 'stack.deploy', { dryRun: true });
    const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    assert.deepEqual(
      planned.actions.map((a) => a.kind),
      ['call', 'exec'],
      'only the wait and the answer: no second deployment',
    );
  });

  it('deploys the Debian-built redis under its own name in the local lab, the lab’s redis elsewhere', async () => {
    for (const [environment, image] of [
      ['local-lab', 'swarm-lab/redis-debian:latest'],
      ['vm', 'redis'],
    ] as const) {
      const cluster = new FakeLabCluster(labNodes(1), { script: () => ({}) });
      const config = labConfig(cluster, { environment });
      const [report] = await run(cluster, config, 'stack.deploy', { dryRun: true });
      const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
      const compose = planned.actions.find((a) => a.kind === 'upload' && a.path.endsWith('docker-compose.yml'));
      assert.ok(compose?.kind === 'upload');
      assert.match(compose.content, new RegExp(`^ {4}image: ${image.replace(/[/.]/g, '\\$&')}$`, 'm'));
      // Only the image scalars differ from the project's file; on VMs, also the routing mesh's (stackMesh.ts).
      const original = config.project.find((f) => f.path === 'docker-compose.yml')!.content;
      const differing = compose.content.split('\n').filter((line, i) => line !== original.split('\n')[i]);
      const allowed =
        environment === 'vm' ? /^ {4}image: |^ {6}endpoint_mode: vip$|^ {8}mode: ingress$/ : /^ {4}image: /;
      assert.ok(
        differing.every((line) => allowed.test(line)),
        differing.join('\n'),
      );
    }
  });

  it('creates the registry in host mode on every node of the local lab, the lab command elsewhere', async () => {
    for (const [environment, expected] of [
      [
        'local-lab',
        "docker service create --detach --no-resolve-image --name registry --mode global --publish mode=host,published=5000,target=5000 --mount type=bind,source='/srv/lab shared',target=/var/lib/registry swarm-lab/registry-debian:2",
      ],
      ['vm', 'docker service create --detach --name registry --publish published=5000,target=5000 registry:2'],
    ] as const) {
      const cluster = new FakeLabCluster(labNodes(1), { script: () => ({}) });
      const [report] = await run(
        cluster,
        labConfig(cluster, { environment, sharedFolder: '/srv/lab shared' }),
        'registry.deploy',
        { dryRun: true },
      );
      const planned = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
      assert.ok(
        planned.actions.some((a) => a.kind === 'exec' && a.command === expected),
        JSON.stringify(planned.actions),
      );
    }
  });
});

describe('lab steps: the registry’s name on VMs', () => {
  it('makes m1.swarm resolve on every VM where it does not, and leaves the local lab’s own /etc/hosts alone', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), {
      // core-02 resolves it already (a teacher's /etc/hosts); the others do not.
      script: (node, cmd) =>
        cmd.startsWith('getent hosts')
          ? node === 'core-02'
            ? { stdout: '10.0.0.5      m1.swarm\n' }
            : { code: 2 }
          : {},
    });
    const reports = await run(cluster, labConfig(cluster), 'registry.deploy', { dryRun: true });
    const naming = reports.find((r) => r.stepId === 'registry.deploy.name');
    assert.ok(naming, reports.map((r) => r.stepId).join(' '));
    assert.deepEqual(
      naming.nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 planned', 'core-02 already-done', 'core-03 planned'],
    );
    const planned = naming.nodes[0].outcome as Extract<NodeOutcome, { kind: 'planned' }>;
    const text = planned.actions.map((a) => (a.kind === 'call' ? a.description : '')).join('\n');
    assert.ok(
      text.startsWith('sudo -n sh -c ') && text.includes('127.0.0.1 %s') && text.endsWith("m1.swarm >> /etc/hosts'"),
      text,
    );
    const local = await run(cluster, labConfig(cluster, { environment: 'local-lab' }), 'registry.deploy', {
      dryRun: true,
    });
    assert.deepEqual(
      local.map((r) => r.stepId),
      ['registry.deploy'],
    );
  });
});

describe('lab steps: convergence', () => {
  const s = (running: number, desired: number, updating = false) => ({
    id: 'a',
    name: 'st_app',
    image: 'app:2',
    mode: 'global' as const,
    running,
    desired,
    ...(updating ? { updating } : {}),
  });

  it('is not fooled by the counts of an update in progress', () => {
    assert.equal(converged([s(3, 2)]), false);
    assert.equal(converged([s(3, 3, true)]), false);
    const task = (image: string, state = 'running') => ({
      id: image,
      service: 'st_app',
      state,
      desiredState: 'running',
      image,
    });
    assert.equal(converged([s(3, 3)], [], [task('app:2'), task('app:1')]), false);
    assert.equal(converged([s(3, 3)], [], [task('app:2'), task('app:2@sha256:abc')]), true);
    assert.equal(converged([s(3, 3)], ['st_db']), false);
  });

  it('follows the tasks until the services converge, one line per change', async () => {
    const docker = new FakeDocker();
    docker.serviceSequence.push([s(0, 3)], [s(2, 3)], [s(3, 3)]);
    const lines: string[] = [];
    const done = await waitConverged(docker, {
      stack: 'st',
      timeoutMs: 5_000,
      intervalMs: 1,
      signal: new AbortController().signal,
      log: (l) => lines.push(l),
      l10n: english,
    });
    assert.equal(done[0].running, 3);
    assert.match(lines.at(-1) ?? '', /^converged in \d+\.\d s: st_app 3\/3$/);
  });

  it('gives up after its bound with the tasks’ errors', async () => {
    const docker = new FakeDocker();
    docker.serviceList = [s(0, 1)];
    docker.taskList = [
      {
        id: 't',
        service: 'st_app',
        slot: 1,
        node: 'core-02',
        state: 'rejected',
        desiredState: 'shutdown',
        error: 'No such image: app:2',
      },
    ];
    await assert.rejects(
      waitConverged(docker, {
        stack: 'st',
        timeoutMs: 20,
        intervalMs: 5,
        signal: new AbortController().signal,
        log: () => undefined,
        l10n: english,
      }),
      /Not converged after 0 s: st_app 0\/1\nst_app\.1: No such image: app:2/,
    );
  });
});

describe('lab steps: the machine capabilities', () => {
  it('runs root commands on a VM through sudo -n, quoted as one argument', () => {
    const machine = new SudoMachine({} as SshConnection);
    assert.equal(
      machine.describeAsRoot(sh`mkdir -p -- ${"a b'c"}`),
      `sudo -n sh -c 'mkdir -p -- '\\''a b'\\''\\'\\'''\\''c'\\'''`,
    );
    assert.equal(machine.describeEngineRestart(), 'sudo -n systemctl restart docker');
  });

  it('binds to the ids of labs/tp1/ids.md', () => {
    const ids = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'labs', 'tp1', 'ids.md'), 'utf8');
    const listed = new Set([...ids.matchAll(/^- `([^`]+)` \((step|check)\):/gm)].map((m) => m[1]));
    const cluster = new FakeLabCluster(labNodes(1), { script: () => ({}) });
    const config = labConfig(cluster);
    for (const id of [...labSteps(config, english), ...labChecks(config, english)].map((x) => x.id)) {
      assert.ok(listed.has(id), `${id} is not in ids.md`);
    }
  });
});
