import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { folderRehearsalRecords } from '../../src/clients/steps/backupStore';
import { loadYaml } from '../../src/core/compose/composeYaml';
import { english } from '../../src/core/l10n';
import {
  archiveName,
  archiveProblems,
  archivesIn,
  backupManifest,
  freeArchiveName,
  packBackup,
  unpackBackup,
} from '../../src/core/labSteps/backupArchive';
import type { BackupFile, ClusterState } from '../../src/core/labSteps/backupContent';
import { backupFiles } from '../../src/core/labSteps/backupCompose';
import { archivesByTime, composeRisks, restoreRisks } from '../../src/core/labSteps/backupSafety';
import type { BackupStore, RehearsalRecord, RehearsalRecords } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { RunValues } from '../../src/core/steps/runValues';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes } from './stepFakes';
import { ROOT } from './repoFiles';

const STACK = 'python_dirty_app';
const COMPOSE = `stacks/${STACK}/docker-compose.yml`;
const cluster = (): ClusterState =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'backup', 'cluster.json'), 'utf8')) as ClusterState;

/** A compose file as a hostile archive would carry it: every way out of a container, one per service. */
const HOSTILE_COMPOSE = `version: "3.8"
services:
  web:
    image: nginx
  root:
    image: busybox
    privileged: true
    pid: host
  net:
    image: busybox
    network_mode: host
  mesh:
    image: busybox
    networks: [hostnet]
  disk:
    image: busybox
    volumes:
      - /:/host
      - /etc:/host-etc:ro
      - type: bind
        source: /var/run/docker.sock
        target: /var/run/docker.sock
      - ../../.ssh:/keys
      - data:/data
      - ./conf:/conf
  caps:
    image: busybox
    cap_add: [SYS_ADMIN]
    devices: ["/dev/sda:/dev/sda"]
networks:
  hostnet:
    external: true
    name: host
volumes:
  data: {}
`;

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

function memoryRecords(): RehearsalRecords & { kept: Map<string, RehearsalRecord> } {
  const kept = new Map<string, RehearsalRecord>();
  return {
    kept,
    read: (sha) => Promise.resolve(kept.get(sha)),
    write: (r) => {
      kept.set(r.sha256, r);
      return Promise.resolve();
    },
  };
}

/** An archive of the fixture's cluster made at `at`, its compose file replaced when given. */
async function archive(at: Date, compose?: string): Promise<Buffer> {
  const Y = await loadYaml();
  const made = backupFiles(Y, cluster());
  const files: BackupFile[] = made.files.map((f) => (f.path === COMPOSE && compose ? { ...f, content: compose } : f));
  return packBackup(backupManifest(files, { stacks: made.stacks, scrubbed: made.scrubbed, createdAt: at }), files);
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('backup rehearsal: what a restore refuses to deploy', () => {
  it('names every privileged service, host namespace, host network, capability, device and system bind mount', async () => {
    const Y = await loadYaml();
    assert.deepEqual(composeRisks(STACK, Y.parse(HOSTILE_COMPOSE)), [
      `${STACK}_root (privileged: true, pid: host)`,
      `${STACK}_net (network_mode: host)`,
      `${STACK}_mesh (networks: hostnet)`,
      `${STACK}_disk (volumes: /, volumes: /etc, volumes: /var/run/docker.sock, volumes: ../../.ssh)`,
      `${STACK}_caps (cap_add: SYS_ADMIN, devices)`,
    ]);
  });

  it("finds nothing to refuse in the lab's own stack", async () => {
    const files = await unpackBackup(await archive(new Date(0)));
    assert.deepEqual(restoreRisks(files, await loadYaml()), []);
  });

  it('refuses a manifest whose stack or config names leave their folder', async () => {
    const files = await unpackBackup(await archive(new Date(0)));
    const manifest = JSON.parse(files.get('manifest.json')!) as { stacks: string[]; configs: string[] };
    manifest.stacks = ['../../etc'];
    manifest.configs = ['-rf'];
    files.set('manifest.json', JSON.stringify(manifest));
    assert.deepEqual(archiveProblems(files), [
      'manifest.json: the stack name "../../etc" is not a valid name',
      'manifest.json: the config name "-rf" is not a valid name',
    ]);
  });
});

describe('backup rehearsal: which archive, and what counts as done', () => {
  it('takes the newest archive by its manifest, not by a future date planted in its name', async () => {
    const store = memoryStore();
    const real = new Date('2026-11-26T10:00:00Z');
    store.files.set(archiveName(STACK, real), await archive(real));
    // Planted: a name from 2099, a manifest from 2020.
    store.files.set(
      archiveName(STACK, new Date('2099-01-01T00:00:00Z')),
      await archive(new Date('2020-01-01T00:00:00Z')),
    );
    const [newest, older] = await archivesByTime(store, STACK);
    assert.equal(newest.name, 'swarm-lab-python_dirty_app-20261126T100000Z.tar.gz');
    assert.equal(newest.createdAt, '2026-11-26T10:00:00.000Z');
    assert.equal(older.name, 'swarm-lab-python_dirty_app-20990101T000000Z.tar.gz');
  });

  it('sorts a damaged archive by its name, so that its problems are named rather than skipped', async () => {
    const store = memoryStore();
    store.files.set(
      archiveName(STACK, new Date('2026-01-01T00:00:00Z')),
      await archive(new Date('2026-01-01T00:00:00Z')),
    );
    store.files.set(archiveName(STACK, new Date('2026-06-01T00:00:00Z')), Buffer.from('not a gzip'));
    const [newest] = await archivesByTime(store, STACK);
    assert.equal(newest.name, 'swarm-lab-python_dirty_app-20260601T000000Z.tar.gz');
    assert.equal(newest.createdAt, undefined);
    assert.deepEqual(archiveProblems(newest.files), ['no manifest.json of format swarm-lab-backup/1']);
  });

  it('names a second archive of the same second -2, and lists it first', () => {
    const name = archiveName(STACK, new Date('2026-11-26T02:03:04Z'));
    assert.equal(freeArchiveName(name, []), name);
    const second = freeArchiveName(name, [name]);
    assert.equal(second, 'swarm-lab-python_dirty_app-20261126T020304Z-2.tar.gz');
    assert.equal(freeArchiveName(name, [name, second]), 'swarm-lab-python_dirty_app-20261126T020304Z-3.tar.gz');
    assert.deepEqual(archivesIn([name, second], STACK), [second, name]);
  });

  it('ignores a forged <archive>.restore.json in the workspace; only the extension’s record counts', async () => {
    const fake = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const store = memoryStore();
    const name = archiveName(STACK, new Date('2026-11-26T10:00:00Z'));
    const bytes = await archive(new Date('2026-11-26T10:00:00Z'));
    store.files.set(name, bytes);
    const forged: RehearsalRecord = { archive: name, sha256: sha256(bytes), at: 'now', ok: true, why: 'forged' };
    store.files.set(`${name}.restore.json`, Buffer.from(JSON.stringify(forged)));
    const records = memoryRecords();
    const config = labConfig(fake, { backups: store, rehearsals: records });
    const restore = labChecks(config, english).find((c) => c.id === 'backup.restore')!;
    const before = await runLabCheck(restore, fake, english);
    assert.equal(before.state, 'unknown');
    assert.match(before.why, /was not restored yet: run backup\.rehearse/);
    await records.write({ ...forged, why: 'python_dirty_app_python-app 3/3' });
    const after = await runLabCheck(restore, fake, english);
    assert.equal(after.state, 'pass', after.why);
    assert.equal(labConfig(fake, { backups: store }).rehearsals, undefined);
    const without = labChecks(labConfig(fake, { backups: store }), english).find((c) => c.id === 'backup.restore')!;
    assert.match(without.unavailable ?? '', /extension’s own storage/);
  });

  it('refuses to rehearse a future-dated archive with a privileged service, naming it, before any lab starts', async () => {
    const fake = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const store = memoryStore();
    store.files.set(
      archiveName(STACK, new Date('2026-01-01T00:00:00Z')),
      await archive(new Date('2026-01-01T00:00:00Z')),
    );
    const planted = new Date('2099-01-01T00:00:00Z');
    store.files.set(archiveName(STACK, planted), await archive(planted, HOSTILE_COMPOSE));
    let started = 0;
    const config = labConfig(fake, {
      backups: store,
      rehearsals: memoryRecords(),
      freshLab: () => {
        started++;
        return Promise.reject(new Error('no lab in unit tests'));
      },
    });
    const step = labSteps(config, english).find((s) => s.id === 'backup.rehearse')!;
    const reports = await runLabStep(step, fake, new RunValues(), { l10n: english, allowMachineChanges: true });
    const outcome = reports[0].nodes[0].outcome;
    assert.equal(outcome.kind, 'failed');
    const text = JSON.stringify(outcome);
    assert.match(text, /20990101T000000Z\.tar\.gz is not rehearsed/);
    for (const named of ['python_dirty_app_root (privileged: true, pid: host)', 'volumes: /var/run/docker.sock']) {
      assert.ok(text.includes(named), `${named} not named in ${text}`);
    }
    assert.equal(started, 0, 'no fresh lab was started');
  });
});

describe('backup rehearsal: the records in the extension’s storage', () => {
  it('keeps one record per archive SHA-256, and reads nothing else', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-records-'));
    try {
      const records = folderRehearsalRecords(dir);
      const sha = 'a'.repeat(64);
      assert.equal(await records.read(sha), undefined);
      await records.write({ archive: 'x.tar.gz', sha256: sha, at: 'now', ok: true, why: 'restored' });
      assert.deepEqual(fs.readdirSync(dir), [`${sha}.json`]);
      assert.equal((await records.read(sha))?.why, 'restored');
      // A record filed under another archive's hash says nothing about this one.
      fs.copyFileSync(path.join(dir, `${sha}.json`), path.join(dir, `${'b'.repeat(64)}.json`));
      assert.equal(await records.read('b'.repeat(64)), undefined);
      await assert.rejects(records.read('../../etc/passwd'), /not a SHA-256/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
