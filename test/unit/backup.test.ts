import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadYaml } from '../../src/core/compose/composeYaml';
import { english } from '../../src/core/l10n';
import {
  archiveName,
  archiveProblems,
  archivesIn,
  backupManifest,
  MANIFEST,
  packBackup,
  readManifest,
  restorePlan,
  unpackBackup,
} from '../../src/core/labSteps/backupArchive';
import { leaksIn, REDACTED, scrubService, type ClusterState } from '../../src/core/labSteps/backupContent';
import { backupFiles, stackCompose } from '../../src/core/labSteps/backupCompose';
import type { BackupStore } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep, sectionSteps } from '../../src/core/labSteps/labSteps';
import { RunValues } from '../../src/core/steps/runValues';
import type { StepReport } from '../../src/core/steps/step';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes } from './stepFakes';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'backup');
const cluster = (): ClusterState =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cluster.json'), 'utf8')) as ClusterState;
/** Every credential of the fixture: none may reach an archive. */
const CREDENTIALS = [
  'hunter2-redis',
  'eyJ1c2VybmFtZSI6InN0dWRlbnQiLCJwYXNzd29yZCI6InMzY3IzdCJ9',
  'registry-http-secret-value',
  'scope-token-0123',
  'SWMTKN-1-3pu6',
];

function memoryStore(): BackupStore & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    folder: '/workspace/backups',
    list: () => Promise.resolve([...files.keys()]),
    read: (name) => (files.has(name) ? Promise.resolve(files.get(name)!) : Promise.reject(new Error(`ENOENT ${name}`))),
    write: (name, data) => {
      files.set(name, data);
      return Promise.resolve(`/workspace/backups/${name}`);
    },
  };
}

describe('backup: scrubbing credentials out of service specs', () => {
  it('replaces credential-named variables, credential options and registry logins, and lists them by name', () => {
    const services = cluster().services;
    const app = scrubService(services[0]);
    assert.deepEqual(app.scrubbed, [
      { service: 'python_dirty_app_python-app', what: 'env REDIS_PASSWORD' },
      { service: 'python_dirty_app_python-app', what: 'registry-auth' },
    ]);
    const spec = app.service['Spec'] as { TaskTemplate: { ContainerSpec: { Env: string[] } } };
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ['REDIS_HOST=database', `REDIS_PASSWORD=${REDACTED}`]);
    const db = scrubService(services[2]);
    assert.deepEqual(
      db.scrubbed.map((s) => s.what),
      ['arg --requirepass'],
    );
    const args = (db.service['Spec'] as { TaskTemplate: { ContainerSpec: { Args: string[] } } }).TaskTemplate
      .ContainerSpec.Args;
    assert.deepEqual(args, ['redis-server', '--requirepass', REDACTED, '--appendonly=yes']);
    const probe = scrubService(services[4]);
    assert.deepEqual(
      probe.scrubbed.map((s) => s.what),
      ['arg --probe.token', 'text'],
    );
    assert.equal(leaksIn(JSON.stringify(probe.service)).length, 0);
  });

  it('masks values the extension knows are secret wherever they are', () => {
    const service = { ID: 'x', Spec: { Name: 'x', Labels: { note: 'the token is abcd-1234-known' } } };
    const out = scrubService(service, ['abcd-1234-known']);
    assert.deepEqual(out.scrubbed, [{ service: 'x', what: 'text' }]);
    assert.ok(!JSON.stringify(out.service).includes('abcd-1234-known'));
    assert.deepEqual(leaksIn('… abcd-1234-known …', ['abcd-1234-known']), ['known secret value']);
  });
});

describe('backup: the stack rebuilt from its specs', () => {
  it('gives the compose file of the fixture (images without digest, external configs and secrets, the stack network)', async () => {
    const Y = await loadYaml();
    const state = cluster();
    const clean = state.services.map((s) => scrubService(s).service);
    const compose = stackCompose(Y, 'python_dirty_app', clean, state.networks);
    const expected = fs.readFileSync(path.join(FIXTURES, 'python_dirty_app.compose.yml'), 'utf8');
    assert.equal(compose, expected);
  });
});

describe('backup: the archive', () => {
  it('packs the manifest and the files, unpacks them unchanged, and finds nothing wrong', async () => {
    const Y = await loadYaml();
    const { files, scrubbed, stacks } = backupFiles(Y, cluster());
    assert.deepEqual(
      files.map((f) => f.path),
      [
        'services/probe.json',
        'services/python_dirty_app_app-proxy.json',
        'services/python_dirty_app_database.json',
        'services/python_dirty_app_python-app.json',
        'services/registry.json',
        'stacks/python_dirty_app/docker-compose.yml',
        'configs/python_dirty_app_nginx_extra.json',
        'configs/python_dirty_app_nginx_extra.data',
        'secrets.json',
        'networks.json',
        'registry/catalog.json',
      ],
    );
    const manifest = backupManifest(files, { stacks, scrubbed, createdAt: new Date('2026-11-26T02:03:04.567Z') });
    assert.deepEqual(manifest.secrets, ['proxy_tls_key']);
    assert.deepEqual(manifest.configs, ['python_dirty_app_nginx_extra']);
    assert.equal(manifest.scrubbed.length, 6);
    const archive = await packBackup(manifest, files);
    const tar = gunzipSync(archive).toString('latin1');
    for (const credential of CREDENTIALS) {
      assert.ok(!tar.includes(credential), `${credential} is in the archive`);
    }
    const unpacked = await unpackBackup(archive);
    assert.deepEqual([...unpacked.keys()], [MANIFEST, ...files.map((f) => f.path)]);
    assert.equal(unpacked.get('configs/python_dirty_app_nginx_extra.data'), 'server_tokens off;\n');
    assert.deepEqual(readManifest(unpacked), manifest);
    assert.deepEqual(archiveProblems(unpacked), []);
  });

  it('names a changed, missing or extra file, a credential in clear, a join token, a secret with a value', async () => {
    const Y = await loadYaml();
    const { files, scrubbed, stacks } = backupFiles(Y, cluster());
    const manifest = backupManifest(files, { stacks, scrubbed, createdAt: new Date(0) });
    const unpacked = await unpackBackup(await packBackup(manifest, files));
    const broken = new Map(unpacked);
    broken.set('registry/catalog.json', '{}\n');
    broken.delete('networks.json');
    broken.set('notes.txt', 'SWMTKN-1-abcdef');
    const svc = JSON.parse(broken.get('services/registry.json')!) as {
      Spec: { TaskTemplate: { ContainerSpec: { Env: string[] } } };
    };
    svc.Spec.TaskTemplate.ContainerSpec.Env = ['ADMIN_PASSWORD=plain'];
    broken.set('services/registry.json', JSON.stringify(svc));
    broken.set('secrets.json', JSON.stringify([{ ID: 's', Name: 'proxy_tls_key', Data: 'c2VjcmV0' }]));
    assert.deepEqual(archiveProblems(broken, ['server_tokens']).sort(), [
      'changed: registry/catalog.json',
      'changed: secrets.json',
      'changed: services/registry.json',
      'env ADMIN_PASSWORD in clear in services/registry.json',
      'known secret value in configs/python_dirty_app_nginx_extra.data',
      'missing: networks.json',
      'not in the manifest: notes.txt',
      'secret proxy_tls_key holds more than its name: Data',
      'swarm join token in notes.txt',
    ]);
    assert.deepEqual(archiveProblems(new Map([['x', 'y']])), ['no manifest.json of format swarm-lab-backup/1']);
  });

  it('names archives by time and finds the newest of a stack', () => {
    const name = archiveName('python_dirty_app', new Date('2026-11-26T02:03:04.567Z'));
    assert.equal(name, 'swarm-lab-python_dirty_app-20261126T020304Z.tar.gz');
    assert.deepEqual(
      archivesIn(
        [
          'swarm-lab-python_dirty_app-20261126T020304Z.tar.gz',
          'swarm-lab-python_dirty_app-20261126T020304Z.tar.gz.restore.json',
          'swarm-lab-other-20271126T020304Z.tar.gz',
          'swarm-lab-python_dirty_app-20261127T000000Z.tar.gz',
          '.swarm-lab-python_dirty_app-20261128T000000Z.tar.gz.1.tmp',
        ],
        'python_dirty_app',
      ),
      ['swarm-lab-python_dirty_app-20261127T000000Z.tar.gz', 'swarm-lab-python_dirty_app-20261126T020304Z.tar.gz'],
    );
  });

  it('plans a restore: the stacks, the configs to create, what it lacks (secrets, left-out values)', async () => {
    const Y = await loadYaml();
    const { files, scrubbed, stacks } = backupFiles(Y, cluster());
    const unpacked = await unpackBackup(
      await packBackup(backupManifest(files, { stacks, scrubbed, createdAt: new Date(0) }), files),
    );
    const plan = restorePlan(unpacked);
    assert.deepEqual(
      plan.stacks.map((s) => s.name),
      ['python_dirty_app'],
    );
    assert.deepEqual(plan.configs, [
      { name: 'python_dirty_app_nginx_extra', labels: {}, data: 'server_tokens off;\n' },
    ]);
    assert.deepEqual(plan.secrets, ['proxy_tls_key']);
    assert.deepEqual(plan.needs, ['DATABASE_REQUIREPASS', 'REDIS_PASSWORD']);
  });
});

describe('backup: the steps and checks', () => {
  async function run(fake: FakeLabCluster, config: ReturnType<typeof labConfig>, id: string): Promise<StepReport[]> {
    return runLabStep(
      labSteps(config, english).find((s) => s.id === id)!,
      fake,
      new RunValues(),
      {
        l10n: english,
        allowMachineChanges: true,
      },
    );
  }
  const kinds = (reports: StepReport[]): string[] =>
    reports.flatMap((r) => [
      ...(r.error ? [`error ${r.error}`] : []),
      ...r.nodes.map((n) => `${n.node} ${n.outcome.kind}`),
    ]);

  it('writes one archive, says "already done" while the cluster is unchanged, and a new one after a change', async () => {
    const state = cluster();
    const fake = new FakeLabCluster(labNodes(3, 1), {
      script: (_n, command) =>
        command.includes('/v2/_catalog')
          ? { stdout: JSON.stringify({ repositories: ['python-app'] }) }
          : command.includes('/tags/list')
            ? { stdout: JSON.stringify({ name: 'python-app', tags: ['latest'] }) }
            : { code: 1 },
    });
    const docker = fake.docker.get('core-01')!;
    docker.specList = [...state.services];
    docker.configList = [...state.configs];
    docker.secretList = [...state.secrets];
    docker.networkList = [...state.networks];
    const store = memoryStore();
    const config = labConfig(fake, {
      backups: store,
      knownSecrets: ['scope-token-0123'],
      rehearsals: { read: () => Promise.resolve(undefined), write: () => Promise.resolve() },
    });
    const archive = labChecks(config, english).find((c) => c.id === 'backup.archive')!;
    assert.equal((await runLabCheck(archive, fake, english)).state, 'fail');
    assert.deepEqual(kinds(await run(fake, config, 'backup.now')), ['core-01 ok']);
    assert.equal(store.files.size, 1);
    const verdict = await runLabCheck(archive, fake, english);
    assert.equal(verdict.state, 'pass', verdict.why);
    assert.deepEqual(kinds(await run(fake, config, 'backup.now')), ['core-01 already-done']);
    // A change within the same second: a second archive beside the first, never over it.
    docker.specList = docker.specList.slice(1);
    assert.deepEqual(kinds(await run(fake, config, 'backup.now')), ['core-01 ok']);
    assert.equal(store.files.size, 2);
    const restore = labChecks(config, english).find((c) => c.id === 'backup.restore')!;
    const notYet = await runLabCheck(restore, fake, english);
    assert.equal(notYet.state, 'unknown');
    assert.match(notYet.why, /was not restored yet: run backup\.rehearse/);
  });

  it('says why backups cannot run without a workspace folder, or rehearse without a local lab', async () => {
    const fake = new FakeLabCluster(labNodes(1), { script: () => ({}) });
    const none = labConfig(fake);
    const [report] = await run(fake, none, 'backup.now');
    assert.match(report.error ?? '', /open a folder in VS Code/);
    const withStore = labConfig(fake, { backups: memoryStore() });
    const rehearse = labSteps(withStore, english).find((s) => s.id === 'backup.rehearse')!;
    assert.match(rehearse.unavailable ?? '', /cannot run one/);
    assert.deepEqual(
      sectionSteps(labSteps(withStore, english), 14).map((s) => s.id),
      ['backup.now'],
    );
  });
});

describe('backup: the workspace folder', () => {
  it('creates the folder, writes whole files under their name only, lists them, and leaves no temporary file', async () => {
    const { folderBackupStore } = await import('../../src/clients/steps/backupStore');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-backups-'));
    try {
      const store = folderBackupStore(path.join(dir, 'backups'));
      assert.deepEqual(await store.list(), []);
      const written = await store.write('../escape.tar.gz', Buffer.from('one'));
      assert.equal(written, path.join(dir, 'backups', 'escape.tar.gz'));
      await store.write('escape.tar.gz', Buffer.from('two'));
      assert.deepEqual(fs.readdirSync(path.join(dir, 'backups')), ['escape.tar.gz']);
      assert.equal(Buffer.from(await store.read('escape.tar.gz')).toString(), 'two');
      assert.deepEqual(await store.list(), ['escape.tar.gz']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
