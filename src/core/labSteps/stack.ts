/**
 * Sections 3 and 7: the lab's stack, with images built on every node
 * (stack.build-local), deployed from a manager (stack.deploy), then again
 * with its images from the registry and its files under /data
 * (stack.deploy-registry). `docker stack deploy` has no API: it runs on the
 * manager over SSH, with `--resolve-image never` (the images are the nodes'
 * own, and no registry outside the lab is asked). The steps then follow the
 * tasks until the stack has converged and the app answers.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Action, CheckResult, NodeContext, NodeSession, Step } from '../steps/step';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { singlePhaseStep } from './labConfig';
import { convergeAction, converged, describeServices } from './convergence';
import { labSession, type LabDocker } from './labSession';
import {
  buildActions,
  COMPOSE_FILE,
  HOME_PROJECT_DIR,
  normalizeImage,
  posixJoin,
  projectForm,
  uploadProject,
} from './stackProject';
import { requireBaseImages } from './baseImages';
import { imagesOnNodesAction } from './imagesOnNodes';

const DATA_PROJECT_DIR = '/data/python_dirty_app';
const APP_URL = 'http://127.0.0.1:8080/';

type StackState =
  | { readonly kind: 'absent' | 'other'; readonly why: string }
  | { readonly kind: 'converging' | 'done'; readonly why: string };

/** The stack against the compose file in the given forms: absent, other images, converging, or done. */
async function stackState(
  docker: LabDocker,
  config: LabStepConfig,
  forms: ReadonlyArray<ReadonlyMap<string, string>>,
  l10n: Localizer,
): Promise<StackState> {
  const [services, tasks] = await Promise.all([docker.services(config.stackName), docker.tasks(config.stackName)]);
  if (services.length === 0) {
    return { kind: 'absent', why: l10n.t('the stack {0} is not deployed', config.stackName) };
  }
  const matches = forms.some((wanted) =>
    [...wanted].every(([name, image]) => {
      const s = services.find((x) => x.name === `${config.stackName}_${name}`);
      return s !== undefined && normalizeImage(s.image) === normalizeImage(image);
    }),
  );
  if (!matches) {
    return {
      kind: 'other',
      why: l10n.t('the stack runs other images than the compose file: {0}', services.map((s) => s.image).join(', ')),
    };
  }
  return converged(services, [], tasks)
    ? { kind: 'done', why: l10n.t('deployed and converged: {0}', describeServices(services)) }
    : { kind: 'converging', why: l10n.t('not converged yet: {0}', describeServices(services)) };
}

/** A stack already deployed in the right form but still converging is only waited for, never deployed again. */
function stackCheck(state: StackState): CheckResult<'wait'> {
  switch (state.kind) {
    case 'done':
      return { state: 'done', reason: state.why };
    case 'converging':
      return { state: 'todo', reason: state.why, memo: 'wait' };
    default:
      return { state: 'todo', reason: state.why };
  }
}

/** A bounded wait for the app's answer on this node (nginx may take a moment after its task starts). */
function appAnswersAction(): Action {
  return {
    kind: 'exec',
    command: sh`i=0; until curl -fsS -m 5 ${APP_URL}; do i=$((i+1)); if [ "$i" -ge 30 ]; then exit 1; fi; sleep 1; done`,
    evidence: true,
  };
}

function deployActions(
  ctx: NodeContext,
  config: LabStepConfig,
  dir: string,
  compose: string,
  services: ReadonlyMap<string, string>,
  memo: 'wait' | undefined,
  localImages: readonly string[] = [],
): Action[] {
  const expect = [...services.keys()].map((s) => `${config.stackName}_${s}`);
  if (memo === 'wait') {
    return [
      convergeAction({ stack: config.stackName, expect }, config.timeouts.converge, ctx.l10n),
      appAnswersAction(),
    ];
  }
  return [
    ...(localImages.length > 0
      ? [
          imagesOnNodesAction(ctx, config, localImages, (problems) =>
            ctx.l10n.t('Images missing (run stack.build-local first): {0}', problems),
          ),
        ]
      : []),
    ...uploadProject(dir, config.project, compose),
    {
      kind: 'exec',
      command: sh`docker stack deploy --resolve-image never -c ${posixJoin(dir, COMPOSE_FILE)} ${config.stackName}`,
      evidence: true,
    },
    convergeAction({ stack: config.stackName, expect }, config.timeouts.converge, ctx.l10n),
    appAnswersAction(),
  ];
}

export function stackBuildLocalStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'stack.build-local',
    title: l10n.t('Stack images built on every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const { built } = await projectForm(config.project, 'local', config, ctx.l10n);
      const images = built.map((b) => b.image);
      const out = await ctx.session.exec(sh`docker image inspect --format '{{.Id}}' ${images}`, { signal: ctx.signal });
      return out.code === 0
        ? { state: 'done', reason: ctx.l10n.t('the images are there: {0}', images.join(', ')) }
        : { state: 'todo', reason: ctx.l10n.t('missing images among: {0}', images.join(', ')) };
    },
    async plan(ctx) {
      const form = await projectForm(config.project, 'local', config, ctx.l10n);
      // In the local lab a missing FROM image would be pulled, and fail: one line says so first.
      await requireBaseImages(ctx, config, form.built);
      return [
        ...uploadProject(HOME_PROJECT_DIR, config.project, form.compose),
        ...buildActions(HOME_PROJECT_DIR, form.built),
      ];
    },
  };
  return singlePhaseStep(step, 3);
}

export function stackDeployStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<'wait'> = {
    id: 'stack.deploy',
    title: l10n.t('Deploy the stack'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const local = await projectForm(config.project, 'local', config, ctx.l10n);
      const registry = await projectForm(config.project, 'registry', config, ctx.l10n);
      // Deployed from the registry already (section 7) counts too: the stack runs.
      const state = await stackState(
        labSession(ctx.session).docker,
        config,
        [local.services, registry.services],
        ctx.l10n,
      );
      return stackCheck(state);
    },
    async plan(ctx, memo) {
      const form = await projectForm(config.project, 'local', config, ctx.l10n);
      return deployActions(
        ctx,
        config,
        HOME_PROJECT_DIR,
        form.compose,
        form.services,
        memo,
        form.built.map((b) => b.image),
      );
    },
  };
  return singlePhaseStep(step, 3);
}

export function stackDeployRegistryStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<'wait'> = {
    id: 'stack.deploy-registry',
    title: l10n.t('Redeploy the stack from the registry'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const registry = await projectForm(config.project, 'registry', config, ctx.l10n);
      const state = await stackState(labSession(ctx.session).docker, config, [registry.services], ctx.l10n);
      return stackCheck(state);
    },
    async plan(ctx, memo) {
      const form = await projectForm(config.project, 'registry', config, ctx.l10n);
      if (memo === 'wait') {
        return deployActions(ctx, config, HOME_PROJECT_DIR, form.compose, form.services, memo);
      }
      // /data is the shared storage of section 5; without it the project stays in the home folder.
      const data = await ctx.session.exec(sh`test -d /data && test -w /data`, { signal: ctx.signal });
      const dir = data.code === 0 ? DATA_PROJECT_DIR : HOME_PROJECT_DIR;
      if (data.code !== 0) {
        ctx.log(
          ctx.l10n.t('/data is missing or not writable (section 5): the project stays in ~/{0}', HOME_PROJECT_DIR),
        );
      }
      return deployActions(ctx, config, dir, form.compose, form.services, memo);
    },
  };
  return singlePhaseStep(step, 7);
}

export function stackConvergedCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return {
    id: 'stack.converged',
    title: l10n.t('Stack converged'),
    section: 3,
    targets: 'firstManager',
    async node(ctx): Promise<NodeCheck> {
      const docker = labSession(ctx.session).docker;
      const [services, tasks] = await Promise.all([docker.services(config.stackName), docker.tasks(config.stackName)]);
      const form = await projectForm(config.project, 'local', config, ctx.l10n);
      const expect = [...form.services.keys()].map((s) => `${config.stackName}_${s}`);
      return converged(services, expect, tasks)
        ? { ok: true, why: describeServices(services) }
        : {
            ok: false,
            why:
              services.length === 0
                ? ctx.l10n.t('the stack {0} is not deployed', config.stackName)
                : describeServices(services),
          };
    },
  };
}

async function appAnswers(session: NodeSession, signal: AbortSignal, l10n: Localizer): Promise<NodeCheck> {
  const out = await session.exec(['curl', '-fsS', '-m', '5', APP_URL], { signal });
  return out.code === 0
    ? { ok: true, why: out.stdout.trim().split('\n')[0] ?? '' }
    : {
        ok: false,
        why: l10n.t(
          'no answer on port 8080 ({0}); a port published in ingress mode needs the routing mesh (IPVS), which the local lab lacks: publish it in host mode',
          out.stderr.trim() || String(out.code),
        ),
      };
}

export function stackAppAnswersCheck(l10n: Localizer): LabCheck {
  return {
    id: 'stack.app-answers',
    title: l10n.t('The app answers on port 8080'),
    section: 3,
    targets: 'all',
    node: (ctx) => appAnswers(ctx.session, ctx.signal, ctx.l10n),
  };
}
