/**
 * Section 14: backup.now reads the cluster through a manager's API (and the
 * registry's catalogue over HTTP from that node) and writes an archive into
 * the workspace; backup.archive checks the newest archive (by its
 * manifest's time); backup.rehearse really restores it on a fresh local lab
 * (started, used and torn down by the step) unless its stacks ask for
 * privileges, host namespaces or system paths, and backup.restore reports
 * that rehearsal for the newest archive, from the record kept in the
 * extension's storage (never a file of the workspace). The rehearsal is a step, not the check itself: checks are
 * evaluated whenever the panel shows the section or the swarm moves, and a
 * whole lab cannot be started each time.
 */
import { createHash } from 'node:crypto';
import { loadYaml } from '../compose/composeYaml';
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import { runSection } from '../steps/engine';
import { RunValues } from '../steps/runValues';
import { stepSucceeded, type Cluster, type NodeContext, type NodeSession, type Step } from '../steps/step';
import {
  archiveName,
  archiveProblems,
  backupManifest,
  freeArchiveName,
  contentHash,
  packBackup,
  readManifest,
  restorePlan,
} from './backupArchive';
import { newestArchive, restoreRisks, type StoredArchive } from './backupSafety';
import { backupFiles } from './backupCompose';
import type { BackupFile, RegistryCatalogue, Scrubbed } from './backupContent';
import { describeServices, waitConverged } from './convergence';
import type {
  CheckVerdict,
  LabCheck,
  LabStep,
  LabStepConfig,
  NodeCheck,
  RehearsalRecord,
  RehearsalRecords,
} from './labConfig';
import { labCheck, singlePhaseStep } from './labConfig';
import { labSession } from './labSession';
import { swarmInitJoinStep } from './swarm';

/** Where the rehearsal puts the compose files on the fresh lab's manager (relative: the user's home). */
const RESTORE_DIR = 'swarm-lab/restore';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function registryCatalogue(
  session: NodeSession,
  registry: string,
  signal: AbortSignal,
): Promise<RegistryCatalogue> {
  const get = async (path: string): Promise<unknown> => {
    const out = await session.exec(['curl', '-fsS', '-m', '5', `http://${registry}${path}`], { signal });
    if (out.code !== 0) {
      throw new Error((out.stderr.trim() || out.stdout.trim()).slice(0, 200) || `curl exited with ${out.code}`);
    }
    return JSON.parse(out.stdout) as unknown;
  };
  try {
    const repos = ((await get('/v2/_catalog')) as { repositories?: string[] }).repositories ?? [];
    const repositories: Record<string, string[]> = {};
    for (const repo of [...repos].sort()) {
      repositories[repo] = [...(((await get(`/v2/${repo}/tags/list`)) as { tags?: string[] }).tags ?? [])].sort();
    }
    return { registry, repositories };
  } catch (error) {
    return { registry, error: error instanceof Error ? error.message : String(error) };
  }
}

interface Collected {
  readonly files: BackupFile[];
  readonly scrubbed: Scrubbed[];
  readonly stacks: string[];
}

/** Everything the backup holds, read from the first manager. */
async function collect(ctx: NodeContext, config: LabStepConfig): Promise<Collected> {
  const docker = labSession(ctx.session).docker;
  const [services, configs, secrets, networks, registry, Y] = await Promise.all([
    docker.serviceSpecs(),
    docker.configs(),
    docker.secrets(),
    docker.networks(),
    registryCatalogue(ctx.session, config.registry, ctx.signal),
    loadYaml(),
  ]);
  return backupFiles(Y, { services, configs, secrets, networks, registry }, config.knownSecrets ?? []);
}

function unavailableWithout(config: LabStepConfig, l10n: Localizer): string | undefined {
  return config.backups ? undefined : l10n.t('Backups are written into the workspace: open a folder in VS Code first.');
}

export function backupNowStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const store = config.backups;
  const step: Step<Collected> = {
    id: 'backup.now',
    title: l10n.t('Back up the cluster'),
    targets: 'firstManager',
    // It reads the cluster only; what it writes is the workspace's archive.
    changesMachines: false,
    async check(ctx) {
      const collected = await collect(ctx, config);
      const newest = store ? await newestArchive(store, config.stackName).catch(() => undefined) : undefined;
      const manifest = newest ? readManifest(newest.files) : undefined;
      if (newest && manifest?.contentHash === contentHash(collected.files)) {
        return {
          state: 'done',
          reason: ctx.l10n.t('the cluster has not changed since {0}', `${store!.folder}/${newest.name}`),
        };
      }
      return {
        state: 'todo',
        reason: newest
          ? ctx.l10n.t('the cluster changed since {0}: a new archive', newest.name)
          : ctx.l10n.t('no backup yet in {0}', store?.folder ?? ''),
        memo: collected,
      };
    },
    plan(ctx, memo) {
      const now = new Date();
      const name = archiveName(config.stackName, now);
      return [
        {
          kind: 'call',
          description: ctx.l10n.t(
            'write {0} (manifest and {1} files)',
            `${store?.folder ?? ''}/${name}`,
            memo?.files.length ?? 0,
          ),
          evidence: true,
          async run(session, io) {
            const collected = memo ?? (await collect({ ...ctx, session, signal: io.signal }, config));
            const manifest = backupManifest(collected.files, { ...collected, createdAt: now });
            // Two backups in the same second: the second is `-2`, never written over the first.
            const free = freeArchiveName(name, await store!.list());
            const written = await store!.write(free, await packBackup(manifest, collected.files));
            const lines = [
              ctx.l10n.t('archive: {0}', written),
              ctx.l10n.t('stacks: {0}', manifest.stacks.join(', ') || '-'),
              ctx.l10n.t('services: {0}', manifest.services.join(', ') || '-'),
              ctx.l10n.t('configs: {0}', manifest.configs.join(', ') || '-'),
              ctx.l10n.t('secrets (names only): {0}', manifest.secrets.join(', ') || '-'),
              ctx.l10n.t(
                'values left out: {0}',
                manifest.scrubbed.map((s) => `${s.service} ${s.what}`).join(', ') || '-',
              ),
            ];
            lines.forEach((line) => io.log(line));
            return lines.join('\n');
          },
        },
      ];
    },
  };
  const unavailable = unavailableWithout(config, l10n);
  return singlePhaseStep(step, 14, unavailable);
}

export function backupArchiveCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return labCheck({
    id: 'backup.archive',
    title: l10n.t('The backup archive is complete and holds no secret value'),
    section: 14,
    targets: 'firstManager',
    unavailable: unavailableWithout(config, l10n),
    async node(ctx): Promise<NodeCheck> {
      const newest = await newestArchive(config.backups!, config.stackName);
      if (!newest) {
        return { ok: false, why: ctx.l10n.t('no backup in {0}: run backup.now', config.backups!.folder) };
      }
      const problems = archiveProblems(newest.files, config.knownSecrets ?? []);
      const manifest = readManifest(newest.files);
      return problems.length === 0 && manifest
        ? {
            ok: true,
            why: ctx.l10n.t(
              '{0}: {1} files, stacks {2}, {3} secret names, {4} values left out',
              newest.name,
              manifest.files.length,
              manifest.stacks.join(', ') || '-',
              manifest.secrets.length,
              manifest.scrubbed.length,
            ),
          }
        : { ok: false, why: `${newest.name}: ${problems.join('; ')}` };
    },
  });
}

/** Restores an archive on a fresh lab's swarm; the services as they converged. */
async function restoreOn(
  fresh: { cluster: Cluster; config: LabStepConfig },
  files: ReadonlyMap<string, string>,
  io: { signal: AbortSignal; log(text: string): void },
  l10n: Localizer,
): Promise<string> {
  const plan = restorePlan(files);
  if (plan.stacks.length === 0) {
    throw new Error(l10n.t('The archive has no stack to restore.'));
  }
  if (plan.needs.length > 0) {
    throw new Error(l10n.t('The archive left out values the stacks need: {0}', plan.needs.join(', ')));
  }
  const composes = plan.stacks.map((s) => s.compose).join('\n');
  const secretsUsed = plan.secrets.filter((name) => composes.includes(`name: ${name}`));
  if (secretsUsed.length > 0) {
    throw new Error(l10n.t('The stacks use secrets whose values a backup never holds: {0}', secretsUsed.join(', ')));
  }
  const swarm = swarmInitJoinStep(fresh.config, l10n);
  const report = await runSection(
    { id: swarm.id, title: swarm.title, steps: swarm.phases },
    fresh.cluster,
    new RunValues(),
    {
      l10n,
      allowMachineChanges: true,
      signal: io.signal,
      events: { nodeFinished: (e) => io.log(`${swarm.id} ${e.node}: ${e.outcome.kind}`) },
    },
  );
  if (!report.steps.every(stepSucceeded) || report.steps.length === 0) {
    throw new Error(l10n.t('The fresh lab’s swarm could not be made.'));
  }
  const manager = fresh.cluster.nodes.find((n) => n.role === 'manager') ?? fresh.cluster.nodes[0];
  const session = labSession(await fresh.cluster.openSession(manager, io.signal));
  for (const c of plan.configs) {
    io.log(l10n.t('docker config create {0}', c.name));
    await session.docker.createConfig({ name: c.name, labels: c.labels, data: Buffer.from(c.data).toString('base64') });
  }
  const Y = await loadYaml();
  const done: string[] = [];
  for (const stack of plan.stacks) {
    const file = `${RESTORE_DIR}/${stack.name}/docker-compose.yml`;
    await session.exec(sh`mkdir -p -- ${`${RESTORE_DIR}/${stack.name}`}`, { signal: io.signal });
    await session.upload(file, stack.compose, { signal: io.signal });
    const deploy = sh`docker stack deploy --resolve-image never -c ${file} ${stack.name}`;
    io.log(deploy.text);
    const out = await session.exec(deploy, { signal: io.signal });
    if (out.code !== 0) {
      throw new Error(`${deploy.text}: ${(out.stderr.trim() || out.stdout.trim()).split('\n').slice(-3).join('\n')}`);
    }
    const services = Object.keys((Y.parse(stack.compose) as { services?: object }).services ?? {});
    const converged = await waitConverged(session.docker, {
      stack: stack.name,
      expect: services.map((s) => `${stack.name}_${s}`),
      timeoutMs: fresh.config.timeouts.converge,
      signal: io.signal,
      log: (text) => io.log(text),
      l10n,
    });
    done.push(describeServices(converged));
  }
  return done.join(', ');
}

/**
 * The archive to rehearse, or why none may be: none there, a damaged one,
 * or stacks that ask for privileges, host namespaces or system paths.
 */
async function rehearsable(config: LabStepConfig, l10n: Localizer): Promise<StoredArchive> {
  const newest = await newestArchive(config.backups!, config.stackName);
  if (!newest) {
    throw new Error(l10n.t('no backup in {0}: run backup.now', config.backups!.folder));
  }
  const problems = archiveProblems(newest.files, config.knownSecrets ?? []);
  if (problems.length > 0) {
    throw new Error(`${newest.name}: ${problems.join('; ')}`);
  }
  const risks = restoreRisks(newest.files, await loadYaml());
  if (risks.length > 0) {
    throw new Error(
      l10n.t(
        '{0} is not rehearsed: these services ask for privileges, the host’s namespaces or its system paths: {1}',
        newest.name,
        risks.join('; '),
      ),
    );
  }
  return newest;
}

export function backupRehearseStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const records = config.rehearsals;
  const step: Step<undefined> = {
    id: 'backup.rehearse',
    title: l10n.t('Rehearse the restore on a fresh local lab'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const newest = await rehearsable(config, ctx.l10n);
      const record = await records!.read(sha256(newest.bytes)).catch(() => undefined);
      return record?.ok
        ? { state: 'done', reason: ctx.l10n.t('{0} was restored on {1}: {2}', newest.name, record.at, record.why) }
        : { state: 'todo', reason: ctx.l10n.t('{0} was not restored yet', newest.name) };
    },
    plan(ctx) {
      return [
        {
          kind: 'call',
          description: ctx.l10n.t(
            'start a fresh local lab, deploy the newest archive’s stacks there, follow their tasks, tear the lab down',
          ),
          evidence: true,
          async run(_session, io) {
            const newest = await rehearsable(config, ctx.l10n);
            io.log(
              ctx.l10n.t('the newest archive by its manifest: {0}, made {1}', newest.name, newest.createdAt ?? '?'),
            );
            const fresh = await config.freshLab!(io.signal, (text) => io.log(text));
            let ok = false;
            let why: string;
            try {
              why = await restoreOn(fresh, newest.files, io, ctx.l10n);
              ok = true;
            } catch (error) {
              why = error instanceof Error ? error.message : String(error);
            } finally {
              io.log(ctx.l10n.t('tearing the fresh lab down'));
              await fresh.dispose();
            }
            const at = new Date().toISOString();
            await records!.write({ archive: newest.name, sha256: sha256(newest.bytes), at, ok, why });
            if (!ok) {
              throw new Error(why);
            }
            return ctx.l10n.t('{0} restored on a fresh lab: {1}', newest.name, why);
          },
        },
      ];
    },
  };
  const unavailable =
    unavailableWithout(config, l10n) ??
    (config.freshLab
      ? undefined
      : l10n.t(
          'The rehearsal starts a fresh local lab: this machine cannot run one (Linux, root, network namespaces).',
        )) ??
    noRecords(records, l10n);
  return singlePhaseStep(step, 14, unavailable);
}

function noRecords(records: RehearsalRecords | undefined, l10n: Localizer): string | undefined {
  return records
    ? undefined
    : l10n.t('Rehearsals are recorded in the extension’s own storage, and there is none here.');
}

export function backupRestoreCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return labCheck({
    id: 'backup.restore',
    title: l10n.t('A fresh local lab redeploys the stacks from the archive alone'),
    section: 14,
    targets: 'firstManager',
    unavailable: unavailableWithout(config, l10n) ?? noRecords(config.rehearsals, l10n),
    async node(ctx): Promise<NodeCheck> {
      const newest = await newestArchive(config.backups!, config.stackName);
      if (!newest) {
        return { ok: false, why: ctx.l10n.t('no backup in {0}: run backup.now', config.backups!.folder), fact: 'none' };
      }
      // Only the extension's own record counts: a `.restore.json` beside the archive is ignored.
      const record: RehearsalRecord | undefined = await config
        .rehearsals!.read(sha256(newest.bytes))
        .catch(() => undefined);
      if (!record) {
        return {
          ok: false,
          why: ctx.l10n.t('{0} was not restored yet: run backup.rehearse', newest.name),
          fact: 'none',
        };
      }
      return { ok: record.ok, why: `${newest.name} (${record.at}): ${record.why}` };
    },
    verdict(results, l10n2): CheckVerdict {
      const [r] = [...results.values()];
      if (!r) {
        return { state: 'unknown', why: l10n2.t('No answer.') };
      }
      return { state: r.fact === 'none' ? 'unknown' : r.ok ? 'pass' : 'fail', why: r.why };
    },
  });
}
