/**
 * Section 11: the app behind the proxy, in HTTPS only. The stack is
 * redeployed from its compose file with app-proxy's published port removed
 * and app-proxy on the proxy network (with Traefik's labels on VMs; Caddy's
 * routes are in its Caddyfile already). The checks name app.b3.swarm while
 * connecting to each manager, and verify the chain against the lab's CA.
 */
import type { Localizer } from '../l10n';
import { loadYaml } from '../compose/composeYaml';
import { sh, type ShellCommand } from '../shell/shellQuote';
import type { Action, NodeContext, Step } from '../steps/step';
import { convergeAction, converged, describeServices } from './convergence';
import type { CheckContext, LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labCheck, singlePhaseStep } from './labConfig';
import { labSession, rootAction } from './labSession';
import { asRoot, certsOf, proxyNetworkAction, proxySetup, setupUnavailable } from './proxy';
import { APP_HOST, APP_HTTPS_COMPOSE, APP_SERVICE, behindProxyCompose, PROXY_NETWORK } from './proxyFiles';
import { projectForm } from './stackProject';

/** GET https://app.b3.swarm/ through `address`, verified against the CA; the body on stdout. */
export function httpsGetCommand(host: string, address: string, ca: string, path = '/'): ShellCommand {
  return sh`curl -fsS -m 10 --cacert ${ca} --resolve ${`${host}:443:${address}`} ${`https://${host}${path}`}`;
}

/** Follows http://host/ to its end: `<status> <final url> <redirects>` on stdout. */
export function redirectCommand(host: string, address: string, ca: string): ShellCommand {
  return sh`curl -sS -L -m 10 -o /dev/null --cacert ${ca} --resolve ${`${host}:80:${address}`} --resolve ${`${host}:443:${address}`} -w '%{http_code} %{url_effective} %{num_redirects}' ${`http://${host}/`}`;
}

/** What `redirectCommand` printed says: HTTP sent to HTTPS, which answered. */
export function redirectVerdict(out: string, host: string): { readonly ok: boolean; readonly why: string } {
  const [status, url, redirects] = out.trim().split(/\s+/);
  const ok = status === '200' && url === `https://${host}/` && Number(redirects) >= 1;
  return { ok, why: `http://${host}/ → ${url ?? '?'} (${status ?? '?'}, ${redirects ?? '?'} redirect(s))` };
}

interface AppProxyState {
  readonly published: boolean;
  readonly onProxyNetwork: boolean;
}

/** Whether app-proxy still publishes a port, and whether it is on the proxy network. */
async function appProxyState(ctx: Pick<NodeContext, 'session' | 'signal'>, config: LabStepConfig) {
  const service = `${config.stackName}_${APP_SERVICE}`;
  const out = await ctx.session.exec(
    sh`docker service inspect --format '{{json .Spec.EndpointSpec}}|{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}' ${service} && docker network inspect --format '{{.Id}}' ${PROXY_NETWORK}`,
    { signal: ctx.signal },
  );
  if (out.code !== 0) {
    return undefined;
  }
  const [first, networkId] = out.stdout.trim().split('\n');
  const [endpoint, networks] = first.split('|');
  const spec = JSON.parse(endpoint) as { Ports?: unknown[] } | null;
  const state: AppProxyState = {
    published: (spec?.Ports?.length ?? 0) > 0,
    onProxyNetwork: (networks ?? '').split(' ').includes(networkId?.trim() ?? '-'),
  };
  return state;
}

export function stackBehindProxyStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const setup = proxySetup(config, l10n);
  const step: Step<undefined> = {
    id: 'stack.behind-proxy',
    title: l10n.t('The app behind the proxy as {0}', APP_HOST),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const state = await appProxyState(ctx, config);
      if (!state) {
        return { state: 'todo', reason: ctx.l10n.t('the stack or the proxy network is not there yet') };
      }
      if (state.published || !state.onProxyNetwork) {
        return {
          state: 'todo',
          reason: ctx.l10n.t('{0} still publishes port 8080 or is not on the proxy network', APP_SERVICE),
        };
      }
      const docker = labSession(ctx.session).docker;
      const [services, tasks] = await Promise.all([docker.services(config.stackName), docker.tasks(config.stackName)]);
      return converged(services, [], tasks)
        ? { state: 'done', reason: ctx.l10n.t('behind the proxy, no port published: {0}', describeServices(services)) }
        : { state: 'todo', reason: ctx.l10n.t('not converged yet: {0}', describeServices(services)) };
    },
    async plan(ctx) {
      if ('unavailable' in setup) {
        throw new Error(setup.unavailable);
      }
      const Y = await loadYaml();
      const form = await projectForm(config.project, 'registry', config, ctx.l10n);
      const compose = behindProxyCompose(Y, form.compose, setup.flavour);
      const expect = [...form.services.keys()].map((s) => `${config.stackName}_${s}`);
      const ca = certsOf(config).caCert;
      const actions: Action[] = [
        proxyNetworkAction(),
        { kind: 'exec', command: sh`mkdir -p -- ${APP_HTTPS_COMPOSE.replace(/\/[^/]*$/, '')}` },
        { kind: 'upload', path: APP_HTTPS_COMPOSE, content: compose },
        {
          kind: 'exec',
          command: sh`docker stack deploy --resolve-image never -c ${APP_HTTPS_COMPOSE} ${config.stackName}`,
          evidence: true,
        },
        convergeAction({ stack: config.stackName, expect }, config.timeouts.converge, ctx.l10n),
        // A bounded wait for the first answer through the proxy (its upstream resolves as tasks start).
        rootAction(
          ctx,
          sh`i=0; until ${httpsGetCommand(APP_HOST, ctx.node.address, ca)}; do i=$((i+1)); if [ "$i" -ge 30 ]; then exit 1; fi; sleep 1; done`,
          { evidence: true },
        ),
      ];
      return actions;
    },
  };
  return singlePhaseStep(step, 11, setupUnavailable(setup));
}

export function proxyAppHttpsCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  const setup = proxySetup(config, l10n);
  return labCheck({
    id: 'proxy.app-https',
    title: l10n.t('https://{0}/ answers with a verified certificate', APP_HOST),
    section: 11,
    targets: 'managers',
    unavailable: setupUnavailable(setup),
    async node(ctx: CheckContext): Promise<NodeCheck> {
      const out = await asRoot(ctx, httpsGetCommand(APP_HOST, ctx.node.address, certsOf(config).caCert));
      return out.code === 0
        ? { ok: true, why: out.stdout.trim().split('\n')[0] ?? '' }
        : {
            ok: false,
            why:
              out.code === 60
                ? ctx.l10n.t('the certificate of {0} does not verify against the lab’s CA', APP_HOST)
                : ctx.l10n.t(
                    'https://{0}/ does not answer on {1} ({2})',
                    APP_HOST,
                    ctx.node.address,
                    out.stderr.trim(),
                  ),
          };
    },
  });
}

export function proxyAppRedirectCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  const setup = proxySetup(config, l10n);
  return labCheck({
    id: 'proxy.app-redirect',
    title: l10n.t('http://{0}/ redirects to HTTPS', APP_HOST),
    section: 11,
    targets: 'managers',
    unavailable: setupUnavailable(setup),
    async node(ctx: CheckContext): Promise<NodeCheck> {
      const out = await asRoot(ctx, redirectCommand(APP_HOST, ctx.node.address, certsOf(config).caCert));
      if (out.code !== 0) {
        return { ok: false, why: out.stderr.trim() || String(out.code) };
      }
      return redirectVerdict(out.stdout, APP_HOST);
    },
  });
}
