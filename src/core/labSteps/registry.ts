/**
 * Sections 6 and 7: the registry service, and the stack's images pushed to
 * it. Where the routing mesh works (VMs) the registry is the lab's single
 * service with an ingress port; the local lab has no IPVS, so there it runs
 * on every node with a host-mode port, all on one storage folder the nodes
 * share, which is what makes a push on one node visible on every other.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Action, NodeSession, Step } from '../steps/step';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labStep, singlePhaseStep } from './labConfig';
import { convergeAction, converged, describeServices } from './convergence';
import { labSession, rootAction } from './labSession';
import { buildActions, HOME_PROJECT_DIR, projectForm, uploadProject } from './stackProject';
import { labImage, REGISTRY_IMAGE } from './labImages';

const SERVICE = 'registry';

async function v2Answers(session: NodeSession, signal: AbortSignal, l10n: Localizer): Promise<NodeCheck> {
  const out = await session.exec(['curl', '-fsS', '-m', '5', 'http://127.0.0.1:5000/v2/'], { signal });
  return out.code === 0 && out.stdout.trim() === '{}'
    ? { ok: true, why: l10n.t('/v2/ answers {}') }
    : {
        ok: false,
        why: l10n.t('/v2/ does not answer {} ({0})', (out.stderr.trim() || out.stdout.trim()).slice(0, 200)),
      };
}

/** The repositories the registry lists, or undefined when it cannot be asked. */
async function catalog(session: NodeSession, registry: string, signal: AbortSignal): Promise<string[] | undefined> {
  const out = await session.exec(['curl', '-fsS', '-m', '5', `http://${registry}/v2/_catalog`], { signal });
  if (out.code !== 0) {
    return undefined;
  }
  try {
    return (JSON.parse(out.stdout) as { repositories?: string[] }).repositories ?? [];
  } catch {
    return undefined;
  }
}

/** `m1.swarm:5000/python-app:latest` → `python-app`. */
function repository(image: string, registry: string): string {
  return image.slice(registry.length + 1).replace(/[:@].*$/, '');
}

export function registryDeployStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const image = labImage(config, REGISTRY_IMAGE) ?? REGISTRY_IMAGE.lab;
  interface Memo {
    readonly exists: boolean;
  }
  const step: Step<Memo> = {
    id: 'registry.deploy',
    title: l10n.t('Registry service'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const service = (await labSession(ctx.session).docker.services()).find((s) => s.name === SERVICE);
      if (!service) {
        return { state: 'todo', reason: ctx.l10n.t('no registry service yet'), memo: { exists: false } };
      }
      return converged([service])
        ? { state: 'done', reason: ctx.l10n.t('the registry service runs: {0}', describeServices([service])) }
        : { state: 'todo', reason: ctx.l10n.t('the registry service is not running yet'), memo: { exists: true } };
    },
    plan(ctx, memo) {
      const create: Action[] = [];
      if (!memo?.exists) {
        if (config.environment === 'local-lab') {
          const storage = config.sharedFolder ?? '/var/lib/swarm-lab-registry';
          create.push(rootAction(ctx, sh`mkdir -p -- ${storage}`), {
            kind: 'exec',
            command: sh`docker service create --detach --no-resolve-image --name ${SERVICE} --mode global --publish mode=host,published=5000,target=5000 --mount type=bind,source=${storage},target=/var/lib/registry ${image}`,
          });
        } else {
          create.push({
            kind: 'exec',
            command: sh`docker service create --detach --name ${SERVICE} --publish published=5000,target=5000 ${image}`,
          });
        }
      }
      return [
        ...create,
        convergeAction({ service: SERVICE }, config.timeouts.converge, ctx.l10n),
        {
          kind: 'exec',
          command: sh`i=0; until curl -fsS -m 5 http://127.0.0.1:5000/v2/; do i=$((i+1)); if [ "$i" -ge 30 ]; then exit 1; fi; sleep 1; done`,
          evidence: true,
        },
      ];
    },
  };
  if (config.environment === 'local-lab') {
    return singlePhaseStep(step, 6);
  }
  return labStep({ id: step.id, title: step.title, section: 6, phases: [step, registryNamePhase(config, l10n)] });
}

/**
 * On VMs, the compose files' registry name (m1.swarm) must resolve on every
 * node for `docker push` and for the stack's pulls. 127.0.0.1 in /etc/hosts:
 * the routing mesh takes port 5000 of any node to the registry, and Docker
 * talks plain HTTP to a registry whose name resolves to loopback, so no
 * engine restart is needed. A name that already resolves (a DNS, the
 * teacher's /etc/hosts) is left as it is.
 */
function registryNamePhase(config: LabStepConfig, l10n: Localizer): Step<undefined> {
  const host = config.registry.replace(/:\d+$/, '');
  return {
    id: 'registry.deploy.name',
    title: l10n.t('The registry’s name {0} on every node', host),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const out = await ctx.session.exec(sh`getent hosts ${host}`, { signal: ctx.signal });
      return out.code === 0 && out.stdout.trim()
        ? { state: 'done', reason: ctx.l10n.t('{0} resolves: {1}', host, out.stdout.trim().split(/\s+/)[0]) }
        : { state: 'todo', reason: ctx.l10n.t('{0} does not resolve here', host) };
    },
    plan: (ctx) => [rootAction(ctx, sh`printf '127.0.0.1 %s\n' ${host} >> /etc/hosts`)],
  };
}

export function registryAnswersCheck(l10n: Localizer): LabCheck {
  return {
    id: 'registry.answers',
    title: l10n.t('The registry answers on every node'),
    section: 6,
    targets: 'all',
    node: (ctx) => v2Answers(ctx.session, ctx.signal, ctx.l10n),
  };
}

export function registryPushStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'registry.push',
    title: l10n.t('Push the stack’s images to the registry'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const form = await projectForm(config.project, 'registry', config, ctx.l10n);
      const repos = form.built.map((b) => repository(b.image, config.registry));
      const listed = await catalog(ctx.session, config.registry, ctx.signal);
      if (listed === undefined) {
        return { state: 'todo', reason: ctx.l10n.t('the registry {0} does not answer yet', config.registry) };
      }
      const missing = repos.filter((r) => !listed.includes(r));
      return missing.length === 0
        ? { state: 'done', reason: ctx.l10n.t('the registry has {0}', repos.join(', ')) }
        : { state: 'todo', reason: ctx.l10n.t('not in the registry yet: {0}', missing.join(', ')) };
    },
    async plan(ctx) {
      const registryForm = await projectForm(config.project, 'registry', config, ctx.l10n);
      const localForm = await projectForm(config.project, 'local', config, ctx.l10n);
      const actions: Action[] = [];
      const toBuild = [];
      for (const image of registryForm.built) {
        const local = localForm.built.find((b) => b.service === image.service);
        const has = async (ref: string): Promise<boolean> =>
          (await ctx.session.exec(['docker', 'image', 'inspect', '--format', '{{.Id}}', ref], { signal: ctx.signal }))
            .code === 0;
        if (await has(image.image)) {
          continue;
        }
        if (local && (await has(local.image))) {
          // Built on this node already (section 3): the same image under its registry name.
          actions.push({ kind: 'exec', command: sh`docker tag ${local.image} ${image.image}` });
        } else {
          toBuild.push(image);
        }
      }
      if (toBuild.length > 0) {
        actions.push(
          ...uploadProject(HOME_PROJECT_DIR, config.project, registryForm.compose),
          ...buildActions(HOME_PROJECT_DIR, toBuild),
        );
      }
      actions.push(...registryForm.built.map((b): Action => ({ kind: 'exec', command: sh`docker push ${b.image}` })), {
        kind: 'exec',
        command: sh`curl -fsS -m 5 ${`http://${config.registry}/v2/_catalog`}`,
        evidence: true,
      });
      return actions;
    },
  };
  return singlePhaseStep(step, 7);
}

export function registryCatalogCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return {
    id: 'registry.catalog',
    title: l10n.t('The registry lists the stack’s images'),
    section: 7,
    targets: 'firstManager',
    async node(ctx): Promise<NodeCheck> {
      const form = await projectForm(config.project, 'registry', config, ctx.l10n);
      const repos = form.built.map((b) => repository(b.image, config.registry));
      const listed = await catalog(ctx.session, config.registry, ctx.signal);
      if (listed === undefined) {
        return { ok: false, why: ctx.l10n.t('the registry {0} does not answer', config.registry) };
      }
      const missing = repos.filter((r) => !listed.includes(r));
      return missing.length === 0
        ? { ok: true, why: listed.join(', ') }
        : { ok: false, why: ctx.l10n.t('not in the registry yet: {0}', missing.join(', ')) };
    },
  };
}
