import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml } from '../../src/core/compose/composeYaml';
import { archiveName, backupManifest, packBackup } from '../../src/core/labSteps/backupArchive';
import type { BackupFile, ClusterState } from '../../src/core/labSteps/backupContent';
import { backupFiles } from '../../src/core/labSteps/backupCompose';
import type { RehearsalRecord } from '../../src/core/labSteps/labConfig';
import { REPO_ROOT } from './paths';

export const HOSTILE_STACK = 'python_dirty_app';

/** A service that would be root on every node: privileged, the host's PID namespace, its root mounted. */
const PRIVILEGED_COMPOSE = `version: "3.8"
services:
  python-app:
    image: python-app:latest
  root:
    image: busybox
    privileged: true
    pid: host
    volumes:
      - /:/host
`;

/**
 * What the hostile fixture holds besides its text files (an archive is
 * binary, so it is made here, from the repository's backup fixture): in
 * `backups/`, an honest archive, a newer-named one from 2099 whose compose
 * file has a privileged service, and a forged `<archive>.restore.json`
 * saying the honest one was restored. Returns the archives' names.
 */
export async function plantHostileBackups(workspace: string): Promise<{ honest: string; planted: string }> {
  const Y = await loadYaml();
  const cluster = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'backup', 'cluster.json'), 'utf8'),
  ) as ClusterState;
  const made = backupFiles(Y, cluster);
  const pack = (at: Date, compose?: string): Promise<Buffer> => {
    const files: BackupFile[] = made.files.map((f) =>
      compose && f.path === `stacks/${HOSTILE_STACK}/docker-compose.yml` ? { ...f, content: compose } : f,
    );
    return packBackup(backupManifest(files, { stacks: made.stacks, scrubbed: made.scrubbed, createdAt: at }), files);
  };
  const dir = path.join(workspace, 'backups');
  fs.mkdirSync(dir, { recursive: true });
  const honestAt = new Date('2026-11-26T10:00:00Z');
  const honest = archiveName(HOSTILE_STACK, honestAt);
  const honestBytes = await pack(honestAt);
  fs.writeFileSync(path.join(dir, honest), honestBytes);
  const planted = archiveName(HOSTILE_STACK, new Date('2099-01-01T00:00:00Z'));
  fs.writeFileSync(path.join(dir, planted), await pack(new Date('2099-01-01T00:00:00Z'), PRIVILEGED_COMPOSE));
  const forged: RehearsalRecord = {
    archive: honest,
    sha256: createHash('sha256').update(honestBytes).digest('hex'),
    at: new Date().toISOString(),
    ok: true,
    why: 'forged: restored 3/3',
  };
  fs.writeFileSync(path.join(dir, `${honest}.restore.json`), JSON.stringify(forged));
  return { honest, planted };
}
