/**
 * Section 3, compose.install: docker-compose on every node, skipped where it
 * answers already. It goes to /usr/local/bin, or to /opt/bin where /usr is
 * read-only (Container Linux), downloaded on the node itself.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { NodeSession, Step } from '../steps/step';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { singlePhaseStep } from './labConfig';
import { rootAction } from './labSession';

/** /opt/bin is on Container Linux's PATH, not always on a non-login SSH session's. */
const VERSION = sh`PATH="$PATH:/usr/local/bin:/opt/bin" docker-compose version --short`;

/** Downloads to a temporary file and renames it: an interrupted download leaves no broken binary. */
const INSTALL_SCRIPT = [
  'set -e',
  'dir=/usr/local/bin',
  'if ! (mkdir -p "$dir" && touch "$dir/.swarm-lab-write-test") 2>/dev/null; then dir=/opt/bin; mkdir -p "$dir"; fi',
  'rm -f "$dir/.swarm-lab-write-test"',
  'curl -fsSL -o "$dir/.docker-compose.swarm-lab.tmp" "$1-$(uname -s)-$(uname -m)"',
  'chmod 755 "$dir/.docker-compose.swarm-lab.tmp"',
  'mv -f "$dir/.docker-compose.swarm-lab.tmp" "$dir/docker-compose"',
  'echo "docker-compose installed in $dir"',
].join('\n');

async function composeVersion(session: NodeSession, signal: AbortSignal): Promise<string | undefined> {
  const out = await session.exec(VERSION, { signal });
  return out.code === 0 ? out.stdout.trim() : undefined;
}

export function composeInstallStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'compose.install',
    title: l10n.t('docker-compose on every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const version = await composeVersion(ctx.session, ctx.signal);
      return version !== undefined
        ? { state: 'done', reason: ctx.l10n.t('docker-compose {0} is there', version) }
        : { state: 'todo', reason: ctx.l10n.t('docker-compose is missing') };
    },
    plan(ctx) {
      return [
        rootAction(ctx, sh`sh -c ${INSTALL_SCRIPT} sh ${config.composeUrl}`),
        { kind: 'exec', command: VERSION, evidence: true },
      ];
    },
  };
  return singlePhaseStep(step, 3);
}

export function composePresentCheck(l10n: Localizer): LabCheck {
  return {
    id: 'compose.present',
    title: l10n.t('docker-compose present'),
    section: 3,
    targets: 'all',
    async node(ctx): Promise<NodeCheck> {
      const version = await composeVersion(ctx.session, ctx.signal);
      return version !== undefined
        ? { ok: true, why: ctx.l10n.t('docker-compose {0}', version) }
        : { ok: false, why: ctx.l10n.t('docker-compose does not answer') };
    },
  };
}
