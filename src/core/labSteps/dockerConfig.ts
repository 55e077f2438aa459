/**
 * Section 2, docker.config: the lab's keys merged into each node's
 * daemon.json (the others kept), the engine restarted, and a wait until it
 * answers. A file that is not valid JSON fails its node at the check, before
 * anything is written: the file stays as the student left it.
 */
import { DAEMON_JSON_PATH, LAB_DAEMON_SETTINGS, mergeDaemonJson, missingDaemonSettings } from '../docker/daemonJson';
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { NodeSession, Step } from '../steps/step';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { singlePhaseStep } from './labConfig';
import { labSession, rootAction } from './labSession';

interface ConfigMemo {
  /** The merged file to write; absent when only a restart is missing. */
  readonly text?: string;
}

const METRICS_URL = 'http://127.0.0.1:9323/metrics';

/** Does the running engine use the lab's settings (experimental on, metrics served)? */
async function engineApplied(
  session: NodeSession,
  signal: AbortSignal,
  l10n: Localizer,
): Promise<{ ok: boolean; why: string }> {
  const version = await session.exec(['docker', 'version', '--format', '{{.Server.Experimental}}'], { signal });
  if (version.code !== 0) {
    return { ok: false, why: l10n.t('the Docker engine does not answer') };
  }
  if (version.stdout.trim() !== 'true') {
    return { ok: false, why: l10n.t('the engine runs without experimental features: it must restart') };
  }
  const metrics = await session.exec(['curl', '-fsS', '-o', '/dev/null', '-m', '5', METRICS_URL], { signal });
  return metrics.code === 0
    ? { ok: true, why: l10n.t('experimental on, metrics on :9323') }
    : { ok: false, why: l10n.t('the engine serves no metrics on :9323: it must restart') };
}

export function dockerConfigStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<ConfigMemo> = {
    id: 'docker.config',
    title: l10n.t('Docker configuration'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const file = await ctx.session.exec(
        sh`if [ -e ${DAEMON_JSON_PATH} ]; then cat -- ${DAEMON_JSON_PATH}; else exit 3; fi`,
        { signal: ctx.signal },
      );
      if (file.code !== 0 && file.code !== 3) {
        throw new Error(ctx.l10n.t('Cannot read {0}: {1}', DAEMON_JSON_PATH, file.stderr.trim()));
      }
      const current = file.code === 3 ? undefined : file.stdout;
      const merged = mergeDaemonJson(current, LAB_DAEMON_SETTINGS, ctx.l10n);
      if (!merged.ok) {
        throw new Error(merged.error);
      }
      if (merged.changed) {
        const missing = missingDaemonSettings(current, LAB_DAEMON_SETTINGS) ?? Object.keys(LAB_DAEMON_SETTINGS);
        return {
          state: 'todo',
          reason: ctx.l10n.t('{0} lacks: {1}', DAEMON_JSON_PATH, missing.join(', ')),
          memo: { text: merged.text },
        };
      }
      const applied = await engineApplied(ctx.session, ctx.signal, ctx.l10n);
      return applied.ok
        ? { state: 'done', reason: ctx.l10n.t('{0} has the settings; {1}', DAEMON_JSON_PATH, applied.why) }
        : { state: 'todo', reason: applied.why, memo: {} };
    },
    plan(ctx, memo) {
      const machine = labSession(ctx.session).machine;
      const tmp = `${DAEMON_JSON_PATH}.swarm-lab.tmp`;
      const tries = Math.ceil(config.timeouts.engine / 1000);
      return [
        ...(memo?.text !== undefined
          ? [
              // Written beside the target and renamed: dockerd never reads half a file.
              rootAction(
                ctx,
                sh`umask 022 && mkdir -p /etc/docker && cat > ${tmp} && mv -f -- ${tmp} ${DAEMON_JSON_PATH}`,
                {
                  stdin: memo.text,
                },
              ),
            ]
          : []),
        {
          kind: 'call' as const,
          description: machine.describeEngineRestart(),
          run: (session, io) => labSession(session).machine.restartEngine(io.signal),
        },
        {
          kind: 'exec' as const,
          // A bounded wait on the engine's own answer (a manager with swarm state may take ~20 s).
          command: sh`i=0; until docker version >/dev/null 2>&1; do i=$((i+1)); if [ "$i" -ge ${tries} ]; then echo 'the Docker engine did not come back' >&2; exit 1; fi; sleep 1; done; docker version --format 'Docker {{.Server.Version}}, experimental {{.Server.Experimental}}'`,
          evidence: true,
        },
      ];
    },
  };
  return singlePhaseStep(step, 2);
}

export function dockerConfigCheck(l10n: Localizer): LabCheck {
  return {
    id: 'docker.config-applied',
    title: l10n.t('Docker configuration applied'),
    section: 2,
    targets: 'all',
    async node(ctx): Promise<NodeCheck> {
      return engineApplied(ctx.session, ctx.signal, ctx.l10n);
    },
  };
}
