/**
 * Section 12: the registry behind the proxy as registry.b3.swarm, in
 * HTTPS. Three phases: every node finds the name (a line of its
 * `/etc/hosts`, pointing at the first manager, where a proxy task runs) and
 * trusts the lab's CA for it (`/etc/docker/certs.d/registry.b3.swarm/ca.crt`,
 * read on the first manager, written on each node: the CA's certificate,
 * never a key); the registry service joins the proxy network (Traefik's
 * labels on VMs); the stack's images are pushed under the new name.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Action, NodeContext, NodeTarget, Step } from '../steps/step';
import { convergeAction, converged, describeServices } from './convergence';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labCheck, labStep } from './labConfig';
import { labSession, rootAction } from './labSession';
import { asRoot, certsOf, proxyNetworkAction, proxySetup, setupUnavailable } from './proxy';
import {
  APP_HOST,
  hostsLineCommand,
  PROXY_NETWORK,
  REGISTRY_HOST,
  REGISTRY_PORT,
  REGISTRY_SERVICE,
  traefikLabels,
} from './proxyFiles';
import { projectForm } from './stackProject';

export const REGISTRY_CA = `/etc/docker/certs.d/${REGISTRY_HOST}/ca.crt`;

/** `m1.swarm:5000/python-app:latest` → `registry.b3.swarm/python-app:latest`. */
export function renamedImage(image: string, registry: string): string {
  return `${REGISTRY_HOST}/${image.slice(registry.length + 1)}`;
}

function firstManager(ctx: Pick<NodeContext, 'cluster'>): NodeTarget {
  const first = ctx.cluster.find((n) => n.role === 'manager');
  if (!first) {
    throw new Error('no manager');
  }
  return first;
}

/** The CA's certificate, read on the first manager (where proxy.certificate made it). */
async function readCa(ctx: NodeContext, config: LabStepConfig): Promise<string> {
  const session = await config.sessionOf(firstManager(ctx).name, ctx.signal);
  const out = await asRoot({ session, signal: ctx.signal }, sh`cat -- ${certsOf(config).caCert}`);
  if (out.code !== 0 || !out.stdout.includes('BEGIN CERTIFICATE')) {
    throw new Error(ctx.l10n.t('No CA certificate in {0}: run proxy.certificate first.', certsOf(config).caCert));
  }
  return out.stdout;
}

const catalogCommand = sh`curl -fsS -m 10 --cacert ${REGISTRY_CA} ${`https://${REGISTRY_HOST}/v2/_catalog`}`;

export function registryBehindProxyStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const setup = proxySetup(config, l10n);

  const trust: Step<string> = {
    id: 'registry.trust',
    title: l10n.t('{0} known and trusted on every node', REGISTRY_HOST),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const ca = await readCa(ctx, config);
      const address = firstManager(ctx).address;
      const [hosts, installed] = await Promise.all([
        ctx.session.exec(['cat', '/etc/hosts'], { signal: ctx.signal }),
        ctx.session.exec(['cat', REGISTRY_CA], { signal: ctx.signal }),
      ]);
      const lines = hosts.stdout.split('\n');
      const named = [REGISTRY_HOST, APP_HOST].every((h) => lines.includes(`${address}\t${h}`));
      return named && installed.code === 0 && installed.stdout === ca
        ? {
            state: 'done',
            reason: ctx.l10n.t('{0} resolves to {1}, its CA is in {2}', REGISTRY_HOST, address, REGISTRY_CA),
          }
        : { state: 'todo', reason: ctx.l10n.t('the name or the CA is missing here'), memo: ca };
    },
    async plan(ctx, memo) {
      const ca = memo ?? (await readCa(ctx, config));
      const address = firstManager(ctx).address;
      const dir = REGISTRY_CA.replace(/\/[^/]*$/, '');
      return [
        rootAction(ctx, hostsLineCommand(address, REGISTRY_HOST)),
        rootAction(ctx, hostsLineCommand(address, APP_HOST)),
        rootAction(ctx, sh`mkdir -p -- ${dir} && cat > ${REGISTRY_CA}`, { stdin: ca }),
      ];
    },
  };

  const join: Step<undefined> = {
    id: 'registry.proxy-network',
    title: l10n.t('The registry on the proxy network'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const out = await ctx.session.exec(
        sh`docker service inspect --format '{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}' ${REGISTRY_SERVICE} && docker network inspect --format '{{.Id}}' ${PROXY_NETWORK}`,
        { signal: ctx.signal },
      );
      const [networks, id] = out.stdout.trim().split('\n');
      const onIt = out.code === 0 && (networks ?? '').split(' ').includes((id ?? '').trim());
      if (!onIt) {
        return { state: 'todo', reason: ctx.l10n.t('the registry is not on the proxy network') };
      }
      const docker = labSession(ctx.session).docker;
      const service = (await docker.services()).filter((s) => s.name === REGISTRY_SERVICE);
      return converged(service)
        ? { state: 'done', reason: ctx.l10n.t('on the proxy network: {0}', describeServices(service)) }
        : { state: 'todo', reason: describeServices(service) };
    },
    plan(ctx) {
      if ('unavailable' in setup) {
        throw new Error(setup.unavailable);
      }
      const labels =
        setup.flavour === 'traefik'
          ? traefikLabels('registry', REGISTRY_HOST, REGISTRY_PORT).flatMap((l) => ['--label-add', l])
          : [];
      return [
        proxyNetworkAction(),
        {
          kind: 'exec',
          command: sh`docker service update --detach --network-add ${PROXY_NETWORK} ${labels} ${REGISTRY_SERVICE}`,
        },
        convergeAction({ service: REGISTRY_SERVICE }, config.timeouts.converge, ctx.l10n),
      ];
    },
  };

  const push: Step<undefined> = {
    id: 'registry.push-https',
    title: l10n.t('The stack’s images pushed to {0}', REGISTRY_HOST),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const form = await projectForm(config.project, 'registry', config, ctx.l10n);
      const images = form.built.map((b) => renamedImage(b.image, config.registry));
      const tagged = await ctx.session.exec(sh`docker image inspect --format '{{.Id}}' ${images}`, {
        signal: ctx.signal,
      });
      const listed = await ctx.session.exec(catalogCommand, { signal: ctx.signal });
      const repos = images.map((i) => i.slice(REGISTRY_HOST.length + 1).replace(/:.*$/, ''));
      const missing = repos.filter((r) => !listed.stdout.includes(`"${r}"`));
      return tagged.code === 0 && listed.code === 0 && missing.length === 0
        ? { state: 'done', reason: ctx.l10n.t('{0} lists {1}', REGISTRY_HOST, repos.join(', ')) }
        : { state: 'todo', reason: ctx.l10n.t('not pushed to {0} yet: {1}', REGISTRY_HOST, images.join(', ')) };
    },
    async plan(ctx) {
      const form = await projectForm(config.project, 'registry', config, ctx.l10n);
      const actions: Action[] = [];
      for (const b of form.built) {
        const renamed = renamedImage(b.image, config.registry);
        actions.push(
          { kind: 'exec', command: sh`docker tag ${b.image} ${renamed}` },
          { kind: 'exec', command: sh`docker push ${renamed}` },
        );
      }
      actions.push({ kind: 'exec', command: catalogCommand, evidence: true });
      return actions;
    },
  };

  return labStep({
    id: 'registry.behind-proxy',
    title: l10n.t('The registry behind the proxy as {0}', REGISTRY_HOST),
    section: 12,
    phases: [trust, join, push],
    unavailable: setupUnavailable(setup),
  });
}

export function registryHttpsCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  const setup = proxySetup(config, l10n);
  return labCheck({
    id: 'registry.https',
    title: l10n.t('https://{0}/v2/ answers with a valid certificate on every node', REGISTRY_HOST),
    section: 12,
    targets: 'all',
    unavailable: setupUnavailable(setup),
    async node(ctx): Promise<NodeCheck> {
      // As the node's Docker engine does it: the name from /etc/hosts, the CA from certs.d.
      const out = await ctx.session.exec(
        sh`curl -fsS -m 10 --cacert ${REGISTRY_CA} ${`https://${REGISTRY_HOST}/v2/`}`,
        { signal: ctx.signal },
      );
      return out.code === 0 && out.stdout.trim() === '{}'
        ? { ok: true, why: ctx.l10n.t('/v2/ answers {}') }
        : {
            ok: false,
            why: ctx.l10n.t(
              'https://{0}/v2/ does not answer ({1})',
              REGISTRY_HOST,
              (out.stderr.trim() || out.stdout.trim()).slice(0, 200),
            ),
          };
    },
  });
}
