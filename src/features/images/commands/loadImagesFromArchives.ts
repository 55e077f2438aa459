import * as vscode from 'vscode';
import { loadArchive } from '../../../clients/images/archiveLoad';
import { describeOutcome, NodeOutcome } from '../../../clients/images/imageDistribution';
import {
  ArchiveContents,
  archivesSummary,
  archiveTags,
  findArchives,
  formatSize,
  readArchive,
} from '../../../core/images/imageArchives';
import { notifyError, notifyInfo, notifyWarning } from '../../../editor/notify';
import { ImagePresenceService } from '../../../model/images/imagePresenceService';
import { Command } from '../../../editor/command';
import { machineNodes, withImageProgress } from '../../../editor/imageJobs';
import { requireTrust } from '../../../editor/trust';

/** Progress text at most this often while bytes flow. */
const BYTES_EVERY_MS = 250;

export interface ArchiveLoadResult {
  readonly archive: string;
  readonly outcomes: readonly NodeOutcome[];
}

function folderOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) {
    return arg.fsPath;
  }
  return typeof arg === 'string' && arg.length > 0 ? arg : undefined;
}

async function pickFolder(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Load Archives from This Folder'),
    title: vscode.l10n.t('The folder of the image archives (docker save)'),
  });
  return picked?.[0]?.fsPath;
}

/** Each archive read; those that are not docker archives are reported, not offered. */
async function readArchives(folder: string, log: vscode.LogOutputChannel): Promise<ArchiveContents[] | undefined> {
  const files = await findArchives(folder, vscode.l10n);
  if (files.length === 0) {
    void notifyWarning(vscode.l10n.t('No .tar, .tar.gz or .tgz archive in {0}.', folder));
    return undefined;
  }
  const read = await Promise.all(
    files.map((f) =>
      readArchive(f, vscode.l10n).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      ),
    ),
  );
  const bad = read.filter((r): r is Error => r instanceof Error);
  bad.forEach((e) => log.warn(`Load images from archives: ${e.message}`));
  if (bad.length > 0) {
    void notifyWarning(bad.map((e) => e.message).join(' '), { log, logged: true });
  }
  const good = read.filter((r): r is ArchiveContents => !(r instanceof Error));
  return good.length > 0 ? good : undefined;
}

/**
 * Loads `docker save` archives from a folder into every connected machine:
 * each file read once and streamed to all the nodes that lack its images.
 * Arguments (for tests and links): the folder, then the archive names to load.
 */
export function loadImagesFromArchivesCommand(presence: ImagePresenceService, log: vscode.LogOutputChannel): Command {
  return {
    id: 'swarmLab.images.loadFromArchives',
    async execute(folderArg?: unknown, names?: unknown) {
      if (!requireTrust('remote-commands', vscode.l10n.t('Loading images from archives'))) {
        return undefined;
      }
      const folder = folderOf(folderArg) ?? (await pickFolder());
      if (!folder) {
        return undefined;
      }
      const archives = await readArchives(folder, log);
      if (!archives) {
        return undefined;
      }
      let chosen: ArchiveContents[];
      if (Array.isArray(names)) {
        chosen = archives.filter((a) => names.includes(a.name));
      } else {
        const picks = await vscode.window.showQuickPick(
          archives.map((a) => ({
            label: a.name,
            description: formatSize(a.size),
            detail: archiveTags(a.images).join(', '),
            picked: true,
            archive: a,
          })),
          {
            canPickMany: true,
            title: vscode.l10n.t('Archives to load into every machine'),
            placeHolder: folder,
          },
        );
        chosen = (picks ?? []).map((p) => p.archive);
      }
      if (chosen.length === 0) {
        return undefined;
      }
      const connected = await machineNodes(presence);
      if (!connected) {
        return undefined;
      }
      const { nodes, unreachable } = connected;
      const total = chosen.reduce((sum, a) => sum + a.size, 0);
      log.info(
        `Load images from archives: ${chosen.map((a) => a.name).join(', ')} into ${nodes.map((n) => n.name).join(', ')}`,
      );
      return withImageProgress(vscode.l10n.t('Loading images from archives'), async (progress, signal) => {
        const results: ArchiveLoadResult[] = [];
        let before = 0;
        let shownAt = 0;
        for (const archive of chosen) {
          if (signal.aborted) {
            break;
          }
          let reported = 0;
          const outcomes = await loadArchive(archive, nodes, {
            signal,
            log: (line) => log.info(`${archive.name}: ${line}`),
            onNode: (o) =>
              o.kind === 'failed'
                ? log.warn(`${archive.name}: ${describeOutcome(o)}`)
                : log.info(`${archive.name}: ${describeOutcome(o)}`),
            onBytes: (bytes) => {
              const increment = (100 * (bytes - reported)) / Math.max(1, total);
              reported = bytes;
              const now = Date.now();
              const show = now - shownAt >= BYTES_EVERY_MS;
              if (show) {
                shownAt = now;
              }
              progress.report({
                increment,
                ...(show ? { message: `${archive.name}: ${formatSize(before + bytes)} / ${formatSize(total)}` } : {}),
              });
            },
          });
          before += archive.size;
          results.push({ archive: archive.name, outcomes });
        }
        const text = archivesSummary(
          results.map((r) => r.outcomes),
          unreachable,
          vscode.l10n,
        );
        log.info(`Load images from archives: ${text}`);
        const failed = results.some((r) => r.outcomes.some((o) => o.kind === 'failed')) || unreachable.length > 0;
        if (failed) {
          void notifyError(text, { log, logged: true, offerLog: true });
        } else {
          void notifyInfo(text, { log, logged: true });
        }
        return results;
      });
    },
  };
}
