import * as assert from 'node:assert/strict';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { LocalLab } from '../../src/localLab/localLab';
import { LabLayout } from '../../src/localLab/labLayout';
import { namespaces } from '../../src/localLab/labNetwork';
import { nodePids } from '../../src/localLab/nodeCgroups';
import { nodeCgroupName } from '../../src/localLab/nodeProcess';
import { hostKeyFile } from '../../src/localLab/nodeFiles';
import { inNode } from '../harness/labNodeSshd';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { ForwardedSocketAgent, SshConnection } from '../../src/clients/ssh/sshConnection';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { ensureBusyboxImage } from '../harness/testImages';
import { formManagerSwarm } from '../harness/labSwarm';
import { waitFor } from '../harness/waitFor';
import { demuxFrames } from '../harness/dockerFrames';
import { readProject } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import { LAB_REGISTRY } from '../../src/core/labSteps/labConfig';
import { projectForm } from '../../src/core/labSteps/stackProject';

const exec = promisify(execFile);

/** Output of a command run in a container (docker exec), stdout and stderr together. */
async function dockerExec(container: Docker.Container, cmd: string[]): Promise<string> {
  const e = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  return demuxFrames(Buffer.concat(chunks));
}

describe('The local lab: 3 real nodes on this machine (namespaces, sshd, dockerd)', function () {
  // The tests' lab (instance 1, 10.213.9.0/24): a developer's own lab (instance 0) keeps running.
  const lab = new LocalLab(TEST_LAB_STATE_DIR, () => undefined, TEST_LAB_INSTANCE);
  const subnet = `10.213.${8 + TEST_LAB_INSTANCE}`;
  let layout: LabLayout;
  const docker = (i: number): Docker => new Docker({ socketPath: layout.nodes[i].dockerSocket });

  before(async function () {
    this.timeout(120_000);
    await lab.down({ purge: true });
    layout = (await lab.up(3)).layout;
  });

  after(async function () {
    this.timeout(60_000);
    await lab.down();
  });

  it('brings 3 nodes up, each with sshd and its own dockerd', async () => {
    const status = await lab.status();
    assert.deepEqual(
      status.map((s) => [s.name, s.address, s.sshd, s.dockerd, s.role]),
      [
        ['core-01', `${subnet}.101`, true, true, 'none'],
        ['core-02', `${subnet}.102`, true, true, 'none'],
        ['core-03', `${subnet}.103`, true, true, 'none'],
      ],
    );
  });

  it("answers `ssh -F <lab ssh_config> core-0X docker info` with that node's own engine", async function () {
    this.timeout(30_000);
    const seen = await Promise.all(
      layout.nodes.map(async (n) => {
        const { stdout } = await exec(
          'ssh',
          ['-F', layout.sshConfig, n.name, 'hostname; id -un; docker info --format "{{.ID}}"'],
          {
            timeout: 15_000,
          },
        );
        return stdout.trim().split('\n');
      }),
    );
    assert.deepEqual(
      seen.map(([host, user]) => [host, user]),
      layout.nodes.map((n) => [n.name, 'core']),
    );
    const ids = seen.map((lines) => lines[2]);
    assert.equal(new Set(ids).size, 3, `engine IDs must differ: ${ids.join(', ')}`);
  });

  it("is reachable by the extension's own SSH connection, host key pinned, Docker through it", async () => {
    const node = layout.nodes[1];
    const pinned = fs.readFileSync(`${hostKeyFile(node)}.pub`, 'utf8').split(' ')[1];
    const conn = await SshConnection.open({
      host: node.address,
      port: 22,
      username: 'core',
      privateKey: fs.readFileSync(layout.coreKey),
      verifyHostKey: (key) => key.equals(Buffer.from(pinned, 'base64')),
    });
    try {
      const engine = new DockerEngine({
        endpoint: parseDockerHost(`ssh://core@${node.address}`),
        agent: new ForwardedSocketAgent(conn, '/var/run/docker.sock'),
      });
      const info = (await docker(1).info()) as { ID: string };
      assert.match((await engine.version()).version, /^\d+\./);
      assert.equal((await conn.exec('docker info --format "{{.ID}}"')).stdout.trim(), info.ID);
    } finally {
      conn.close();
    }
  });

  it('finds its nodes on a second `up` and says so', async () => {
    const t0 = Date.now();
    const { outcomes } = await lab.up(3);
    assert.deepEqual([...outcomes.values()], ['already up', 'already up', 'already up']);
    assert.ok(Date.now() - t0 < 3_000);
  });

  it('forms a 3-manager swarm; a host-mode port answers on its node; an overlay carries traffic between nodes', async function () {
    this.timeout(180_000);
    await Promise.all([0, 1, 2].map((i) => ensureBusyboxImage(docker(i))));
    await formManagerSwarm(layout);
    await waitFor(
      'three ready managers',
      async () => {
        const nodes = (await docker(0).listNodes()) as { Status: { State: string }; ManagerStatus?: object }[];
        return nodes.length === 3 && nodes.every((n) => n.Status.State === 'ready' && n.ManagerStatus);
      },
      30_000,
      200,
    );
    const net = await docker(0).createNetwork({ Name: 'labnet', Driver: 'overlay', Attachable: true });
    await docker(0).createService({
      Name: 'web',
      Mode: { Global: {} },
      TaskTemplate: {
        ContainerSpec: { Image: 'swarm-lab-test/busybox:latest', Command: ['httpd', '-f', '-p', '8081', '-h', '/etc'] },
        Networks: [{ Target: net.id }],
      },
      // No IPVS on this kernel: no routing mesh, no VIP. Host-mode port, DNS round robin.
      EndpointSpec: {
        Mode: 'dnsrr',
        Ports: [{ Protocol: 'tcp', TargetPort: 8081, PublishedPort: 8081, PublishMode: 'host' }],
      },
    });
    for (const n of layout.nodes) {
      const hostname = await waitFor(
        `the web task on ${n.name}`,
        async () => {
          const res = await fetch(`http://${n.address}:8081/hostname`, { signal: AbortSignal.timeout(2_000) });
          return res.ok ? (await res.text()).trim() : undefined;
        },
        60_000,
        250,
      );
      assert.ok(hostname.length > 0);
    }
    // From the task on core-03, reach the tasks of the two other nodes over the overlay. The
    // overlay's name table converges by gossip, so on a loaded machine a first look may see two
    // tasks: look again (bounded), keeping every task that answered.
    const [task] = await docker(2).listContainers({ filters: JSON.stringify({ name: ['web'] }) });
    const answered = new Set<string>();
    await waitFor(
      'all three tasks to answer over the overlay',
      async () => {
        const out = await dockerExec(docker(2).getContainer(task.Id), [
          'sh',
          '-c',
          "for ip in $(nslookup tasks.web 127.0.0.11 | awk '/^Address/ && !/127.0.0.11/ {print $NF}'); do timeout 3 wget -q -O- http://$ip:8081/hostname; done",
        ]);
        for (const line of out.trim().split('\n').filter(Boolean)) {
          answered.add(line);
        }
        return answered.size >= 3 ? true : undefined;
      },
      45_000,
      1_000,
    ).catch(() => undefined);
    assert.equal(answered.size, 3, `tasks reached over the overlay: ${[...answered].join(', ')}`);
  });

  it('reports a node whose engine stopped, and `up` repairs it', async function () {
    this.timeout(90_000);
    const node = layout.nodes[1];
    // Stopped for good (a killed dockerd would be restarted by the node's systemd, as on a VM).
    inNode(node, ['systemctl', 'stop', 'docker.socket', 'docker.service']);
    const broken = await waitFor(
      'status to see core-02 without dockerd',
      async () => (await lab.status()).find((s) => s.name === 'core-02' && !s.dockerd),
      10_000,
      200,
    );
    assert.equal(broken.sshd, true);
    const { outcomes } = await lab.up(3);
    assert.equal(outcomes.get('core-02'), 'repaired');
    assert.equal(outcomes.get('core-01'), 'already up');
    // A restarted manager answers pings before it answers /info (it catches up with the raft log first).
    await waitFor(
      'every node with sshd and a manager dockerd again',
      async () => {
        const status = await lab.status();
        return status.every((s) => s.sshd && s.dockerd && s.role === 'manager') ? status : undefined;
      },
      30_000,
      500,
    );
  });

  it("runs the lab's sample stack (python-app, redis, app-proxy) from its images, answering on 8080 of every node", async function () {
    this.timeout(240_000);
    await lab.loadImages(layout, {
      cacheDir: path.join(CACHE_DIR, 'lab-images'),
      samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
    });
    // The lab's placement wants workers: core-02 and core-03 become workers.
    for (const name of ['core-02', 'core-03']) {
      const [node] = (await docker(0).listNodes({ filters: JSON.stringify({ name: [name] }) })) as {
        ID: string;
        Version: { Index: number };
        Spec: object;
      }[];
      await docker(0)
        .getNode(node.ID)
        .update({ version: node.Version.Index, ...node.Spec, Role: 'worker' });
    }
    // The compose file as the local lab deploys it: its `redis` is the Debian-built stand-in there.
    const form = await projectForm(
      readProject(path.join(REPO_ROOT, 'samples', 'tp1')),
      'registry',
      { registry: LAB_REGISTRY, environment: 'local-lab' },
      english,
    );
    assert.equal(form.substituted.get('database')?.to, 'swarm-lab/redis-debian:latest');
    const composeFile = path.join(TEST_LAB_STATE_DIR, 'tp1-local-lab.yml');
    fs.writeFileSync(composeFile, form.compose);
    // `stack deploy` has no API: the docker CLI it is, pointed at core-01.
    await exec('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', composeFile, 'tp1'], {
      env: { ...process.env, DOCKER_HOST: `unix://${layout.nodes[0].dockerSocket}` },
      timeout: 60_000,
    });
    const hits = async (address: string): Promise<number | undefined> => {
      const res = await fetch(`http://${address}:8080/`, { signal: AbortSignal.timeout(3_000) });
      const m = /seen (\d+) times/.exec(await res.text());
      return m ? Number(m[1]) : undefined;
    };
    const first = await waitFor(
      'the app through app-proxy on core-01',
      () => hits(layout.nodes[0].address),
      180_000,
      500,
    );
    const others = await Promise.all(
      layout.nodes.slice(1).map((n) => waitFor(`8080 on ${n.name}`, () => hits(n.address), 60_000, 500)),
    );
    // One counter in redis, whichever node's proxy and whichever replica answered.
    assert.ok(
      others.every((n) => n > first),
      `${first} then ${others.join(', ')}`,
    );
  });

  it('`down` leaves no namespace, process, veth or cgroup of the lab behind', async function () {
    this.timeout(60_000);
    await lab.down();
    const left = [...(await namespaces())].filter((n) => n.startsWith(`${layout.prefix}-`));
    assert.deepEqual(left, []);
    for (const n of layout.nodes) {
      assert.deepEqual(nodePids(nodeCgroupName(layout, n)), [], `${n.name} processes`);
    }
    const { stdout: links } = await exec('ip', ['-br', 'link']);
    assert.ok(!links.includes(layout.hostVeth), links);
    const { stdout: ps } = await exec('ps', ['-eo', 'args']);
    assert.ok(!ps.includes(TEST_LAB_STATE_DIR), 'no process runs from the lab folder');
    const mounts = fs.readFileSync('/proc/self/mounts', 'utf8');
    assert.ok(!mounts.includes(TEST_LAB_STATE_DIR), 'no mount of the lab folder is left');
  });

  it('comes up over the leftovers of a crash (a stale namespace and a stale pid file) and goes down clean again', async function () {
    this.timeout(120_000);
    const node = layout.nodes[2];
    await exec('ip', ['netns', 'add', node.namespace]);
    fs.mkdirSync(node.dir, { recursive: true });
    fs.writeFileSync(path.join(node.dir, 'node.pid'), '999999\n');
    const { outcomes } = await lab.up(3);
    assert.deepEqual([...outcomes.keys()].sort(), ['core-01', 'core-02', 'core-03']);
    const status = await lab.status();
    assert.ok(
      status.every((s) => s.sshd && s.dockerd),
      JSON.stringify(status),
    );
    await lab.down();
    assert.deepEqual(
      [...(await namespaces())].filter((n) => n.startsWith(`${layout.prefix}-`)),
      [],
    );
  });
});
