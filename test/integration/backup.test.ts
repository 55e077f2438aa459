import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Docker from 'dockerode';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import { readManifest, unpackBackup } from '../../src/core/labSteps/backupArchive';
import type { LabCheck, LabStep, LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import type { StepEvents } from '../../src/core/steps/engine';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { Cluster, StepReport } from '../../src/core/steps/step';
import type { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { RESULTS_DIR } from '../harness/paths';
import { freshLocalLab, LAB_IMAGES, LAB_PROJECT_DIR, stepFailures, stepKinds } from '../harness/localLab';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';

/** The rehearsal's fresh lab: the next instance (its own subnet and names), torn down by the step. */
const REHEARSAL_INSTANCE = Number(process.env['SWARM_LAB_TEST_REHEARSAL_INSTANCE'] ?? TEST_LAB_INSTANCE + 1);
const SETUP = ['swarm.init-join', 'stack.deploy', 'registry.deploy', 'registry.push'];
const SECRET_VALUE = 's3cr3t-value-for-the-backup-test';

describe('Backup on the local lab: backup.now, backup.archive, and a restore on a fresh lab', function () {
  const lab = new LocalLab(`${TEST_LAB_STATE_DIR}-backup`, () => undefined, TEST_LAB_INSTANCE);
  const logFile = path.join(RESULTS_DIR, 'lab-backup.log');
  const backupDir = path.join(RESULTS_DIR, 'backups');
  /** The rehearsals' records: the extension keeps them in its own storage, never beside the archives. */
  const recordsDir = path.join(RESULTS_DIR, 'rehearsal-records');
  let layout: LabLayout;
  let cluster: Cluster;
  let config: LabStepConfig;
  let steps: LabStep[];
  let checks: LabCheck[];
  let close = (): void => undefined;
  const values = new RunValues();
  const log: StepEvents = stepLog((line) => fs.appendFileSync(logFile, `${line}\n`), { l10n: english });

  async function run(id: string): Promise<StepReport[]> {
    const step = steps.find((s) => s.id === id);
    assert.ok(step, `no step ${id}`);
    return runLabStep(step, cluster, values, { l10n: english, allowMachineChanges: true, events: log });
  }
  const check = async (id: string): Promise<{ state: string; why: string }> =>
    runLabCheck(
      checks.find((c) => c.id === id)!,
      cluster,
      english,
    );
  const archives = (): string[] =>
    fs.existsSync(backupDir) ? fs.readdirSync(backupDir).filter((n) => n.endsWith('.tar.gz')) : [];

  before(async function () {
    this.timeout(900_000);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(logFile, '');
    fs.rmSync(backupDir, { recursive: true, force: true });
    fs.rmSync(recordsDir, { recursive: true, force: true });
    layout = await freshLocalLab(lab);
    const env = await localLabSteps(lab, {
      managers: 3,
      projectDir: LAB_PROJECT_DIR,
      timeouts: { converge: 180_000 },
      backupFolder: backupDir,
      rehearsalRecords: recordsDir,
      knownSecrets: [SECRET_VALUE],
      rehearsal: {
        stateDir: `${TEST_LAB_STATE_DIR}-rehearsal`,
        instance: REHEARSAL_INSTANCE,
        ...LAB_IMAGES,
        log: (line) => fs.appendFileSync(logFile, `[rehearsal lab] ${line}\n`),
      },
    });
    cluster = env.cluster;
    config = env.config;
    close = () => env.close();
    steps = labSteps(config, english);
    checks = labChecks(config, english);
  });

  after(async function () {
    this.timeout(180_000);
    close();
    await lab.down();
    // The rehearsal tears its lab down itself; this is only in case the test stopped half-way.
    await new LocalLab(`${TEST_LAB_STATE_DIR}-rehearsal`, () => undefined, REHEARSAL_INSTANCE).down({ purge: true });
  });

  it('deploys the stack and the registry, with a config, a secret and a password in a service', async function () {
    this.timeout(900_000);
    for (const id of SETUP) {
      const reports = await run(id);
      assert.deepEqual(stepFailures(reports), [], `${id} failed; see ${logFile}`);
    }
    const docker = new Docker({ socketPath: layout.nodes[0].dockerSocket });
    await docker.createConfig({ Name: 'lab_note', Data: Buffer.from('backed up with its data\n').toString('base64') });
    await docker.createSecret({ Name: 'db_password', Data: Buffer.from(SECRET_VALUE).toString('base64') });
    // A lone service (not a stack's) carrying a credential in its environment and in an argument.
    await docker.createService({
      Name: 'vault-demo',
      TaskTemplate: {
        ContainerSpec: {
          Image: 'swarm-lab/redis-debian:latest',
          Env: [`DB_PASSWORD=${SECRET_VALUE}`, 'MODE=demo'],
          Args: ['redis-server', `--requirepass=${SECRET_VALUE}`],
        },
      },
      Mode: { Replicated: { Replicas: 0 } },
    } as object);
  });

  it('backs up into the workspace; the archive is complete and holds no secret value', async function () {
    this.timeout(300_000);
    assert.equal((await check('backup.archive')).state, 'fail', 'no archive yet');
    const reports = await run('backup.now');
    assert.deepEqual(stepKinds(reports), ['backup.now@core-01 ok'], `see ${logFile}`);
    const [name] = archives();
    assert.match(name, /^swarm-lab-python_dirty_app-\d{8}T\d{6}Z\.tar\.gz$/);
    const bytes = fs.readFileSync(path.join(backupDir, name));
    assert.ok(!gunzipSync(bytes).toString('latin1').includes(SECRET_VALUE), 'the secret value is in the archive');
    const files = await unpackBackup(bytes);
    const manifest = readManifest(files)!;
    assert.deepEqual(manifest.stacks, ['python_dirty_app']);
    assert.deepEqual(manifest.secrets, ['db_password']);
    assert.deepEqual(manifest.configs, ['lab_note']);
    assert.equal(files.get('configs/lab_note.data'), 'backed up with its data\n');
    assert.deepEqual(
      manifest.scrubbed.map((s) => `${s.service} ${s.what}`),
      ['vault-demo env DB_PASSWORD', 'vault-demo arg --requirepass'],
    );
    const compose = files.get('stacks/python_dirty_app/docker-compose.yml') ?? '';
    for (const service of [
      'python-app:',
      'database:',
      'app-proxy:',
      'replicas: 3',
      'mode: global',
      'node.role == worker',
    ]) {
      assert.ok(compose.includes(service), `${service} not in\n${compose}`);
    }
    const catalogue = JSON.parse(files.get('registry/catalog.json') ?? '{}') as { repositories?: object };
    assert.deepEqual(Object.keys(catalogue.repositories ?? {}).sort(), ['app-proxy', 'python-app']);
    const verdict = await check('backup.archive');
    assert.equal(verdict.state, 'pass', verdict.why);
  });

  it('says "already done" on a second backup of an unchanged cluster, and writes a new archive after a change', async function () {
    this.timeout(300_000);
    assert.deepEqual(stepKinds(await run('backup.now')), ['backup.now@core-01 already-done']);
    assert.equal(archives().length, 1);
    const docker = new Docker({ socketPath: layout.nodes[0].dockerSocket });
    await docker.createConfig({ Name: 'lab_note_2', Data: Buffer.from('a change\n').toString('base64') });
    // Archive names carry the second: the next one must not replace the first.
    await new Promise((r) => setTimeout(r, 1_100));
    assert.deepEqual(stepKinds(await run('backup.now')), ['backup.now@core-01 ok']);
    assert.equal(archives().length, 2);
    assert.equal((await check('backup.archive')).state, 'pass');
  });

  it('restores the newest archive on a fresh local lab (tasks running), tears it down, and the check passes', async function () {
    this.timeout(1_200_000);
    const before = await check('backup.restore');
    assert.equal(before.state, 'unknown', before.why);
    const reports = await run('backup.rehearse');
    assert.deepEqual(stepFailures(reports), [], `see ${logFile}`);
    const evidence = reports[0].nodes[0].outcome.kind === 'ok' ? (reports[0].nodes[0].outcome.evidence ?? '') : '';
    assert.match(evidence, /python_dirty_app_python-app 3\/3/);
    const verdict = await check('backup.restore');
    assert.equal(verdict.state, 'pass', verdict.why);
    const fresh = new LocalLab(`${TEST_LAB_STATE_DIR}-rehearsal`, () => undefined, REHEARSAL_INSTANCE);
    assert.ok(!fs.existsSync(fresh.stateDir), 'the fresh lab is torn down and purged');
    assert.deepEqual(stepKinds(await run('backup.rehearse')), ['backup.rehearse@core-01 already-done']);
  });
});
