/**
 * Section 4: Weave Scope on every node. The lab downloads the `scope`
 * script and runs `scope launch`, which starts one container per node; the
 * step starts that container itself, with the options the script gives it
 * (host network and PID namespace, privileged, the Docker socket mounted),
 * since the script's download address is gone. The service token, if any,
 * comes from VS Code's secret storage (config.scopeToken): it is masked in
 * the log and the dry run (the engine's `redact`), and in the evidence.
 * There is no Debian Scope: the local lab runs it only when the real image
 * was loaded from an archive and named in the `swarmLab.images` setting.
 */
import type { Localizer } from '../l10n';
import { quoteArg, sh, type ShellCommand } from '../shell/shellQuote';
import type { NodeContext, Step } from '../steps/step';
import { REDACTED, scrubText } from './backupContent';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labCheck, singlePhaseStep } from './labConfig';
import { labImage, SCOPE_IMAGE } from './labImages';

/** The name `scope launch` gives its container. */
export const SCOPE_CONTAINER = 'weavescope';

/** The `docker run` that `scope launch` performs, with the token (if any) as its last argument. */
export function scopeRunCommand(image: string, token: string | undefined): ShellCommand {
  const run = sh`docker run -d --name ${SCOPE_CONTAINER} --restart=always --privileged --userns=host --net=host --pid=host -v /var/run/docker.sock:/var/run/docker.sock:rw -v /var/run/scope/plugins:/var/run/scope/plugins -v /sys/kernel/debug:/sys/kernel/debug -e CHECKPOINT_DISABLE ${image} --probe.docker=true`;
  return token ? sh`${run} ${`--service-token=${token}`}` : run;
}

/** What the log and the dry run mask: the token, and the quoted argument holding it (a token with a quote in it is quoted otherwise). */
export function scopeRedactions(token: string | undefined): string[] {
  return token ? [quoteArg(`--service-token=${token}`), token] : [];
}

/** Why Scope cannot run here (no image for the role), or undefined. */
function scopeUnavailable(config: LabStepConfig, l10n: Localizer): string | undefined {
  if (labImage(config, SCOPE_IMAGE) !== undefined) {
    return undefined;
  }
  return config.environment === 'vm'
    ? l10n.t('No image for the role {0}: the swarmLab.images setting says none.', SCOPE_IMAGE.role)
    : l10n.t(
        'Debian has no Weave Scope and the local lab cannot download {0}: load the image from archives (Swarm Lab: Load Images from Archives), then name it in the swarmLab.images setting (role "scope").',
        SCOPE_IMAGE.lab,
      );
}

interface ScopeState {
  readonly kind: 'missing' | 'present';
  readonly running?: boolean;
  readonly image?: string;
  readonly args?: readonly string[];
}

async function scopeState(ctx: Pick<NodeContext, 'session' | 'signal' | 'l10n'>): Promise<ScopeState> {
  const out = await ctx.session.exec(
    [
      'docker',
      'container',
      'inspect',
      '--format',
      '{{json .Config.Image}}|{{json .Args}}|{{.State.Running}}',
      SCOPE_CONTAINER,
    ],
    { signal: ctx.signal },
  );
  if (out.code !== 0) {
    if (/no such (object|container)/i.test(out.stderr)) {
      return { kind: 'missing' };
    }
    throw new Error(out.stderr.trim() || ctx.l10n.t('docker inspect failed'));
  }
  const [image, args, running] = out.stdout.trim().split('|');
  return {
    kind: 'present',
    image: JSON.parse(image) as string,
    args: (JSON.parse(args) as string[] | null) ?? [],
    running: running === 'true',
  };
}

type LaunchMemo = 'create' | 'recreate' | 'start';

export function scopeLaunchStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const image = labImage(config, SCOPE_IMAGE);
  const token = config.scopeToken || undefined;
  const step: Step<LaunchMemo> = {
    id: 'scope.launch',
    title: l10n.t('Weave Scope on every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const state = await scopeState(ctx);
      if (state.kind === 'missing') {
        return { state: 'todo', reason: ctx.l10n.t('no Scope container'), memo: 'create' };
      }
      const hasToken = (state.args ?? []).some((a) => a.startsWith('--service-token='));
      const sameToken = token ? (state.args ?? []).includes(`--service-token=${token}`) : !hasToken;
      if (state.image !== image || !sameToken) {
        // Says that the token differs, never what it is.
        return {
          state: 'todo',
          reason: ctx.l10n.t('Scope runs with another image or token: it is replaced'),
          memo: 'recreate',
        };
      }
      return state.running
        ? {
            state: 'done',
            reason: ctx.l10n.t(
              'Scope runs ({0})',
              token ? ctx.l10n.t('with a service token') : ctx.l10n.t('stand-alone, port 4040'),
            ),
          }
        : { state: 'todo', reason: ctx.l10n.t('Scope is stopped'), memo: 'start' };
    },
    plan(_ctx, memo) {
      if (memo === 'start') {
        return [{ kind: 'exec', command: sh`docker start ${SCOPE_CONTAINER}` }];
      }
      return [
        ...(memo === 'recreate' ? [{ kind: 'exec' as const, command: sh`docker rm -f ${SCOPE_CONTAINER}` }] : []),
        // The token is masked wherever the command is shown (log, dry run, evidence).
        { kind: 'exec', command: scopeRunCommand(image!, token), redact: scopeRedactions(token), evidence: true },
      ];
    },
  };
  const unavailable = scopeUnavailable(config, l10n);
  return singlePhaseStep(step, 4, unavailable);
}

export function scopeRunningCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return labCheck({
    id: 'scope.running',
    title: l10n.t('Scope runs on every node'),
    section: 4,
    targets: 'all',
    unavailable: scopeUnavailable(config, l10n),
    async node(ctx): Promise<NodeCheck> {
      const state = await scopeState(ctx);
      if (state.kind === 'missing') {
        return { ok: false, why: ctx.l10n.t('no Scope container') };
      }
      return state.running
        ? { ok: true, why: ctx.l10n.t('Scope runs ({0})', state.image ?? '') }
        : { ok: false, why: ctx.l10n.t('Scope is stopped') };
    },
  });
}

interface Inspected {
  readonly Args?: string[] | null;
  readonly Config?: { readonly Image?: string; readonly Env?: string[] | null };
  readonly HostConfig?: {
    readonly Privileged?: boolean;
    readonly CapAdd?: string[] | null;
    readonly NetworkMode?: string;
    readonly PidMode?: string;
    readonly IpcMode?: string;
    readonly UsernsMode?: string;
  };
  readonly Mounts?: ReadonlyArray<{ readonly Source?: string; readonly Destination?: string; readonly RW?: boolean }>;
}

/**
 * Q1's evidence from `docker container inspect`: the Docker socket mounted
 * (what lets a container start others on the host), the privileges and the
 * host namespaces it shares. Credentials in its arguments are masked.
 */
export function scopeEvidence(inspectJson: string, known: readonly string[] = []): string {
  const [c] = JSON.parse(inspectJson) as Inspected[];
  const host = c?.HostConfig ?? {};
  const mounts = (c?.Mounts ?? []).map((m) => `${m.Source} -> ${m.Destination}${m.RW === false ? ' (ro)' : ''}`);
  const socket = mounts.filter((m) => m.includes('docker.sock'));
  const args = (c?.Args ?? []).map((a) => a.replace(/^(--service-token=).+$/, `$1${REDACTED}`));
  const lines = [
    `image: ${c?.Config?.Image ?? '?'}`,
    `docker socket: ${socket.join(', ') || 'not mounted'}`,
    `privileged: ${host.Privileged === true ? 'yes (every capability, every device)' : 'no'}`,
    `capabilities added: ${(host.CapAdd ?? []).join(', ') || '-'}`,
    `network: ${host.NetworkMode ?? '?'}`,
    `pid: ${host.PidMode || 'private'}`,
    `ipc: ${host.IpcMode || 'private'}`,
    `userns: ${host.UsernsMode || 'default'}`,
    `mounts: ${mounts.join(', ') || '-'}`,
    `args: ${args.join(' ') || '-'}`,
  ];
  return scrubText(lines.join('\n'), known);
}

export function scopeInspectStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'scope.inspect',
    title: l10n.t('Scope’s container: evidence for Q1'),
    targets: 'firstManager',
    changesMachines: false,
    plan(ctx) {
      const known = [...(config.knownSecrets ?? []), ...(config.scopeToken ? [config.scopeToken] : [])];
      return [
        {
          kind: 'call',
          description: `docker container inspect ${SCOPE_CONTAINER}`,
          evidence: true,
          async run(session, io) {
            const out = await session.exec(['docker', 'container', 'inspect', SCOPE_CONTAINER], { signal: io.signal });
            if (out.code !== 0) {
              throw new Error(
                /no such (object|container)/i.test(out.stderr)
                  ? ctx.l10n.t('No Scope container on {0}: run scope.launch first.', ctx.node.name)
                  : out.stderr.trim(),
              );
            }
            const evidence = scopeEvidence(out.stdout, known);
            evidence.split('\n').forEach((line) => io.log(line));
            return evidence;
          },
        },
      ];
    },
  };
  const unavailable = scopeUnavailable(config, l10n);
  return singlePhaseStep(step, 4, unavailable);
}
