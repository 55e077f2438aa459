/**
 * Section 8: keepalived on every node (the lab's `docker run`, priorities
 * 200, 199, … in the lab's node order, the other nodes as unicast peers),
 * the nsenter evidence for Q6, and the fail-over exercise.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { NodeContext, NodeSession, Step } from '../steps/step';
import type { CheckVerdict, LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { singlePhaseStep } from './labConfig';
import { pollUntil, rootAction } from './labSession';
import { labImage, KEEPALIVED_IMAGE } from './labImages';

const CONTAINER = 'keepalived';
const TOP_PRIORITY = 200;

/** The environment the lab gives keepalived on a node. */
export function keepalivedEnv(ctx: Pick<NodeContext, 'node' | 'cluster'>, config: LabStepConfig): string[] {
  const index = Math.max(
    0,
    ctx.cluster.findIndex((n) => n.name === ctx.node.name),
  );
  const peers = ctx.cluster.filter((n) => n.name !== ctx.node.name).map((n) => `'${n.address}'`);
  return [
    `KEEPALIVED_VIRTUAL_IPS=${config.virtualIp}`,
    `KEEPALIVED_UNICAST_PEERS=#PYTHON2BASH:[${peers.join(', ')}]`,
    `KEEPALIVED_PRIORITY=${TOP_PRIORITY - index}`,
    `KEEPALIVED_INTERFACE=${config.interface}`,
  ];
}

/** Does this node carry the virtual IP now? */
export async function holdsVip(session: NodeSession, vip: string, signal: AbortSignal): Promise<boolean> {
  const out = await session.exec(['ip', '-o', '-4', 'addr', 'show'], { signal });
  if (out.code !== 0) {
    throw new Error(out.stderr.trim() || 'ip addr failed');
  }
  return out.stdout.split('\n').some((line) => line.includes(` inet ${vip}/`));
}

/** The nodes holding the virtual IP now, read on every node. */
async function vipHolders(config: LabStepConfig, nodes: readonly string[], signal: AbortSignal): Promise<string[]> {
  const held = await Promise.all(
    nodes.map(async (name) =>
      holdsVip(await config.sessionOf(name, signal), config.virtualIp, signal).catch(() => false),
    ),
  );
  return nodes.filter((_n, i) => held[i]);
}

/**
 * The one node holding the virtual IP, waiting (bounded) while keepalived
 * elects its master; a reason when none, or several, hold it.
 */
async function vipHolder(ctx: NodeContext, config: LabStepConfig): Promise<string> {
  const names = ctx.cluster.map((n) => n.name);
  let last: string[] = [];
  const holder = await pollUntil(
    async () => {
      last = await vipHolders(config, names, ctx.signal);
      return last.length === 1 ? last[0] : undefined;
    },
    { timeoutMs: config.timeouts.failover, intervalMs: 250, signal: ctx.signal },
  );
  if (holder === undefined) {
    throw new Error(
      last.length === 0
        ? ctx.l10n.t('No node holds the virtual IP {0}: run keepalived.deploy first.', config.virtualIp)
        : ctx.l10n.t('Several nodes hold {0} (split brain): {1}', config.virtualIp, last.join(', ')),
    );
  }
  return holder;
}

type ContainerState =
  { readonly kind: 'missing' } | { readonly kind: 'present'; readonly env: string[]; readonly running: boolean };

async function containerState(ctx: NodeContext): Promise<ContainerState> {
  const out = await ctx.session.exec(
    ['docker', 'container', 'inspect', '--format', '{{json .Config.Env}}|{{.State.Running}}', CONTAINER],
    { signal: ctx.signal },
  );
  if (out.code !== 0) {
    if (/no such (object|container)/i.test(out.stderr)) {
      return { kind: 'missing' };
    }
    throw new Error(out.stderr.trim() || ctx.l10n.t('docker inspect failed'));
  }
  const [env, running] = out.stdout.trim().split('|');
  return { kind: 'present', env: JSON.parse(env) as string[], running: running === 'true' };
}

type DeployMemo = 'create' | 'recreate' | 'start';

export function keepalivedDeployStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const image = labImage(config, KEEPALIVED_IMAGE) ?? KEEPALIVED_IMAGE.lab;
  const step: Step<DeployMemo> = {
    id: 'keepalived.deploy',
    title: l10n.t('keepalived on every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const state = await containerState(ctx);
      if (state.kind === 'missing') {
        return { state: 'todo', reason: ctx.l10n.t('no keepalived container'), memo: 'create' };
      }
      const wanted = keepalivedEnv(ctx, config);
      if (!wanted.every((e) => state.env.includes(e))) {
        return {
          state: 'todo',
          reason: ctx.l10n.t('keepalived runs with other settings: it is replaced'),
          memo: 'recreate',
        };
      }
      return state.running
        ? { state: 'done', reason: ctx.l10n.t('keepalived runs, priority {0}', wanted[2].split('=')[1]) }
        : { state: 'todo', reason: ctx.l10n.t('keepalived is stopped'), memo: 'start' };
    },
    plan(ctx, memo) {
      if (memo === 'start') {
        return [{ kind: 'exec', command: sh`docker start ${CONTAINER}` }];
      }
      const env = keepalivedEnv(ctx, config).flatMap((e) => ['-e', e]);
      return [
        ...(memo === 'recreate' ? [{ kind: 'exec' as const, command: sh`docker rm -f ${CONTAINER}` }] : []),
        {
          kind: 'exec',
          command: sh`docker run -d --name ${CONTAINER} --restart=always --cap-add=NET_ADMIN --net=host ${env} ${image}`,
        },
      ];
    },
  };
  return singlePhaseStep(step, 8);
}

/**
 * Q6's evidence, read as root on the node: which namespaces the container
 * shares with the host (its /proc/<pid>/ns links against the shell's own,
 * which are the host's: on a VM those of PID 1; on the local lab, whose PID 1
 * is this machine's, those of the node), then the addresses its network
 * namespace sees.
 */
const NSENTER_SCRIPT = sh`set -e
pid=$(docker inspect --format '{{.State.Pid}}' ${CONTAINER})
echo "PID=$pid"
printf '%-7s %-22s %-22s %s\n' namespace container host shared
for ns in cgroup ipc mnt net pid user uts; do
  c=$(readlink "/proc/$pid/ns/$ns"); h=$(readlink "/proc/$$/ns/$ns")
  if [ "$c" = "$h" ]; then s=yes; else s=no; fi
  printf '%-7s %-22s %-22s %s\n' "$ns" "$c" "$h" "$s"
done
echo "nsenter --target $pid --net ip -br addr"
nsenter --target "$pid" --net ip -br addr`;

export function keepalivedNsenterStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'keepalived.nsenter',
    title: l10n.t('nsenter evidence for Q6'),
    targets: 'all',
    changesMachines: false,
    async plan(ctx) {
      const holder = await vipHolder(ctx, config);
      if (holder !== ctx.node.name) {
        ctx.log(ctx.l10n.t('{0} holds the virtual IP {1}: the evidence comes from there', holder, config.virtualIp));
        return [];
      }
      return [rootAction(ctx, NSENTER_SCRIPT, { evidence: true })];
    },
  };
  return singlePhaseStep(step, 8);
}

export function keepalivedFailoverStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'keepalived.failover',
    title: l10n.t('keepalived fail-over'),
    targets: 'all',
    changesMachines: true,
    // Every node looks for the holder at once and only the holder stops its
    // keepalived: the others have answered before the address can move
    // (that takes at least a VRRP advertisement interval).
    async check(ctx) {
      const holder = await vipHolder(ctx, config);
      return holder === ctx.node.name
        ? { state: 'todo', reason: ctx.l10n.t('holds the virtual IP {0}', config.virtualIp) }
        : {
            state: 'done',
            reason: ctx.l10n.t('{0} holds the virtual IP {1}, not this node', holder, config.virtualIp),
          };
    },
    plan(ctx) {
      return [
        { kind: 'exec', command: sh`docker stop ${CONTAINER}` },
        {
          kind: 'call',
          description: ctx.l10n.t('watch the other nodes until one holds {0}', config.virtualIp),
          evidence: true,
          async run(_session, io) {
            const started = Date.now();
            const others = ctx.cluster.filter((n) => n.name !== ctx.node.name).map((n) => n.name);
            const holder = await pollUntil(async () => (await vipHolders(config, others, io.signal))[0], {
              timeoutMs: config.timeouts.failover,
              intervalMs: 200,
              signal: io.signal,
            });
            if (holder === undefined) {
              throw new Error(
                ctx.l10n.t(
                  'No other node took {0} over within {1} s.',
                  config.virtualIp,
                  config.timeouts.failover / 1000,
                ),
              );
            }
            const text = ctx.l10n.t(
              '{0} moved from {1} to {2} in {3} s',
              config.virtualIp,
              ctx.node.name,
              holder,
              ((Date.now() - started) / 1000).toFixed(1),
            );
            io.log(text);
            return text;
          },
        },
      ];
    },
  };
  return singlePhaseStep(step, 8);
}

export function keepalivedRunningCheck(l10n: Localizer): LabCheck {
  return {
    id: 'keepalived.running',
    title: l10n.t('keepalived runs on every node'),
    section: 8,
    targets: 'all',
    async node(ctx): Promise<NodeCheck> {
      const out = await ctx.session.exec(
        ['docker', 'container', 'inspect', '--format', '{{.State.Status}}', CONTAINER],
        {
          signal: ctx.signal,
        },
      );
      const status = out.stdout.trim();
      return out.code === 0 && status === 'running'
        ? { ok: true, why: ctx.l10n.t('keepalived runs') }
        : {
            ok: false,
            why: out.code === 0 ? ctx.l10n.t('keepalived is {0}', status) : ctx.l10n.t('no keepalived container'),
          };
    },
  };
}

export function vipSingleCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return {
    id: 'keepalived.vip-single',
    title: l10n.t('Exactly one node holds the virtual IP'),
    section: 8,
    targets: 'all',
    async node(ctx): Promise<NodeCheck> {
      const holds = await holdsVip(ctx.session, config.virtualIp, ctx.signal);
      return { ok: true, why: holds ? ctx.l10n.t('holds {0}', config.virtualIp) : '', fact: holds ? 'holder' : '' };
    },
    verdict(results, l10n2): CheckVerdict {
      const holders = [...results].filter(([, r]) => r.fact === 'holder').map(([n]) => n);
      if (holders.length === 1) {
        return { state: 'pass', why: l10n2.t('{0} holds {1}', holders[0], config.virtualIp) };
      }
      return holders.length === 0
        ? { state: 'fail', why: l10n2.t('No node holds {0}.', config.virtualIp) }
        : {
            state: 'fail',
            why: l10n2.t('Several nodes hold {0} (split brain): {1}', config.virtualIp, holders.join(', ')),
          };
    },
  };
}
