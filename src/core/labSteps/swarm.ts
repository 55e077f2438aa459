/**
 * Section 2, swarm.init-join: the swarm initialised on the first manager,
 * then every other node joined with the role the layout gives it. The join
 * tokens are read through the first manager's API and passed to the others'
 * API as run values: they never appear in a command line, the log or a dry
 * run. Nodes already in the swarm are left as they are; a node still in
 * another swarm (often one whose manager is gone: a lab rebuilt, a VM
 * restored) leaves it first, as `docker swarm leave --force` would.
 */
import type { Localizer } from '../l10n';
import type { Action, Step } from '../steps/step';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labSession } from './labSession';

const TOKEN_WORKER = 'swarm.token.worker';
const TOKEN_MANAGER = 'swarm.token.manager';
const MANAGER_ADDR = 'swarm.manager-addr';
const SWARM_PORT = 2377;

function stateProblem(state: string, error: string | undefined, l10n: Localizer): string | undefined {
  switch (state) {
    case 'pending':
      return l10n.t('The engine is joining a swarm already (pending): run the step again in a moment.');
    case 'error':
      return l10n.t('The engine reports a swarm error: {0}', error ?? '');
    case 'locked':
      return l10n.t('The swarm is locked on this node: unlock it first (docker swarm unlock).');
    default:
      return undefined;
  }
}

/** Leaving another swarm before this one's init or join: the memo a check hands its plan. */
type Leave = 'leave-first';

function leaveAction(l10n: Localizer): Action {
  return {
    kind: 'call',
    description: l10n.t('docker swarm leave --force (the other swarm, through the API)'),
    evidence: true,
    async run(session) {
      await labSession(session).docker.swarmLeave();
      return 'Node left the swarm.';
    },
  };
}

export function swarmInitJoinStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const init: Step<Leave> = {
    id: 'swarm.init',
    title: l10n.t('Swarm: init on the first manager'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const docker = labSession(ctx.session).docker;
      const info = await docker.info();
      const problem = stateProblem(info.swarmState, info.swarmError, ctx.l10n);
      if (problem) {
        throw new Error(problem);
      }
      if (info.swarmState !== 'active') {
        return { state: 'todo', reason: ctx.l10n.t('not in a swarm yet') };
      }
      if (!info.isManager) {
        // The first manager makes the lab's swarm: a worker of another one cannot be it.
        return {
          state: 'todo',
          reason: ctx.l10n.t('a worker of another swarm: it leaves it, then starts the lab’s'),
          memo: 'leave-first',
        };
      }
      const tokens = await docker.joinTokens();
      return {
        state: 'done',
        reason: ctx.l10n.t('already a manager of a swarm'),
        produces: { [TOKEN_WORKER]: tokens.worker, [TOKEN_MANAGER]: tokens.manager, [MANAGER_ADDR]: ctx.node.address },
      };
    },
    plan(ctx, memo) {
      const addr = ctx.node.address;
      const pool = config.addressPool ? ` --default-addr-pool ${config.addressPool}` : '';
      return [
        ...(memo === 'leave-first' ? [leaveAction(ctx.l10n)] : []),
        {
          kind: 'call',
          description: ctx.l10n.t(
            'docker swarm init --advertise-addr {0} --listen-addr {0}:{1}{2} (through the API)',
            addr,
            SWARM_PORT,
            pool,
          ),
          evidence: true,
          async run(session) {
            await labSession(session).docker.swarmInit({
              advertiseAddr: addr,
              listenAddr: `${addr}:${SWARM_PORT}`,
              ...(config.addressPool ? { addressPool: config.addressPool } : {}),
            });
            return `Swarm initialized: ${ctx.node.name} (${addr}) is now a manager.`;
          },
        },
        {
          kind: 'call',
          description: ctx.l10n.t('read the join tokens (docker swarm join-token, through the API)'),
          async run(session) {
            return JSON.stringify(await labSession(session).docker.joinTokens());
          },
        },
      ];
    },
    collect(ctx, outputs) {
      // The last output is the tokens', the init's the one before it (a leave may come first).
      const tokensOut = outputs.at(-1);
      const tokens = JSON.parse(tokensOut?.stdout ?? '{}') as { worker?: string; manager?: string };
      if (!tokens.worker || !tokens.manager) {
        throw new Error(ctx.l10n.t('The manager gave no join tokens.'));
      }
      // Evidence as the engine's default collect writes it: the command, then what it printed.
      const initOut = outputs.at(-2);
      const evidence =
        initOut?.action.kind === 'call' ? `$ ${initOut.action.description}\n${initOut.stdout.trimEnd()}` : undefined;
      return {
        produces: { [TOKEN_WORKER]: tokens.worker, [TOKEN_MANAGER]: tokens.manager, [MANAGER_ADDR]: ctx.node.address },
        evidence,
      };
    },
  };

  const join: Step<Leave> = {
    id: 'swarm.join',
    title: l10n.t('Swarm: join the managers and workers'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const info = await labSession(ctx.session).docker.info();
      const problem = stateProblem(info.swarmState, info.swarmError, ctx.l10n);
      if (problem) {
        throw new Error(problem);
      }
      if (info.swarmState === 'active') {
        // Knowing none of the lab's first manager's addresses, the node is in another swarm.
        const manager = ctx.values.get(MANAGER_ADDR);
        const known = info.remoteManagers;
        if (
          manager !== undefined &&
          manager !== ctx.node.address &&
          known !== undefined &&
          !known.includes(`${manager}:${SWARM_PORT}`)
        ) {
          return {
            state: 'todo',
            reason: ctx.l10n.t(
              'in another swarm (its managers: {0}): it leaves it, then joins',
              known.join(', ') || ctx.l10n.t('none'),
            ),
            memo: 'leave-first',
          };
        }
        const role = info.isManager ? 'manager' : 'worker';
        return {
          state: 'done',
          reason:
            role === ctx.node.role
              ? ctx.l10n.t('already in the swarm as a {0}', role)
              : ctx.l10n.t(
                  'already in the swarm as a {0} (the layout says {1}: promote or demote it yourself)',
                  role,
                  ctx.node.role,
                ),
        };
      }
      return { state: 'todo', reason: ctx.l10n.t('not in a swarm yet') };
    },
    plan(ctx, memo) {
      const token = ctx.values.require(ctx.node.role === 'manager' ? TOKEN_MANAGER : TOKEN_WORKER, ctx.l10n);
      const manager = ctx.values.require(MANAGER_ADDR, ctx.l10n);
      const addr = ctx.node.address;
      return [
        ...(memo === 'leave-first' ? [leaveAction(ctx.l10n)] : []),
        {
          kind: 'call',
          description: ctx.l10n.t(
            'docker swarm join --token *** --advertise-addr {0} --listen-addr {0}:{1} {2}:{1} (as a {3}, through the API)',
            addr,
            SWARM_PORT,
            manager,
            ctx.node.role,
          ),
          evidence: true,
          async run(session) {
            await labSession(session).docker.swarmJoin({
              advertiseAddr: addr,
              listenAddr: `${addr}:${SWARM_PORT}`,
              remoteAddr: `${manager}:${SWARM_PORT}`,
              token,
            });
            return `${ctx.node.name} joined the swarm as a ${ctx.node.role}.`;
          },
        },
      ];
    },
  };
  return {
    id: 'swarm.init-join',
    title: l10n.t('Swarm: init and join'),
    section: 2,
    phases: [init, join],
  };
}

export function swarmNodesReadyCheck(l10n: Localizer): LabCheck {
  return {
    id: 'swarm.nodes-ready',
    title: l10n.t('Swarm nodes ready'),
    section: 2,
    targets: 'firstManager',
    async node(ctx): Promise<NodeCheck> {
      const docker = labSession(ctx.session).docker;
      const info = await docker.info();
      if (info.swarmState !== 'active' || !info.isManager) {
        return { ok: false, why: ctx.l10n.t('{0} is not a swarm manager', ctx.node.name) };
      }
      const nodes = await docker.nodes();
      const problems: string[] = [];
      for (const want of ctx.nodes) {
        const seen = nodes.find((n) => n.hostname === want.name);
        if (!seen) {
          problems.push(ctx.l10n.t('{0} is not in the swarm', want.name));
        } else if (seen.state !== 'ready') {
          problems.push(ctx.l10n.t('{0} is {1}', want.name, seen.state));
        } else if (seen.role !== want.role) {
          problems.push(ctx.l10n.t('{0} is a {1}, the layout says {2}', want.name, seen.role, want.role));
        }
      }
      const managers = nodes.filter((n) => n.role === 'manager' && n.state === 'ready').length;
      const workers = nodes.filter((n) => n.role === 'worker' && n.state === 'ready').length;
      return problems.length === 0
        ? { ok: true, why: ctx.l10n.t('{0} managers and {1} workers, all ready', managers, workers) }
        : { ok: false, why: problems.join('; ') };
    },
  };
}
