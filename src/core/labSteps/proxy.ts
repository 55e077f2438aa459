/**
 * Section 10: the wildcard certificate and the reverse proxy. The
 * certificate is made with OpenSSL on the first manager, in the proxy's
 * folder (the lab's `/data/traefik/certs`): the keys never leave that
 * folder, only the server certificate and its key are mounted into the
 * proxy, and checks verify against the CA made beside them. The proxy is a
 * global service on the managers, on an attachable overlay network the
 * services behind it join. Checks connect to each manager's own address
 * while naming the host (SNI and Host, curl's `--resolve`), so no resolver
 * or hosts file is needed to check.
 */
import type { Localizer } from '../l10n';
import { loadYaml } from '../compose/composeYaml';
import { sh, type ShellCommand } from '../shell/shellQuote';
import type { Action, ExecOutcome, NodeContext, Step } from '../steps/step';
import { convergeAction, converged, describeServices } from './convergence';
import type { CheckContext, LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labCheck, singlePhaseStep } from './labConfig';
import { labSession, rootAction } from './labSession';
import {
  type CertPaths,
  certificateCommand,
  certificateProblems,
  certificateStatusCommand,
  certPaths,
  DOMAIN,
  HOME_PROXY_DIR,
  opensslConfig,
  PROXY_NETWORK,
  PROXY_STACK,
  proxyCompose,
  proxyConfigFiles,
  proxyDir,
  proxyImage,
  type ProxyFlavour,
} from './proxyFiles';
import { normalizeImage } from './stackProject';

/** Runs a read-only command as root (the keys' folder is root's): the outcome as is. */
export function asRoot(ctx: Pick<NodeContext, 'session' | 'signal'>, command: ShellCommand): Promise<ExecOutcome> {
  return labSession(ctx.session).machine.execAsRoot(command, { signal: ctx.signal });
}

export type ProxySetup =
  | { readonly unavailable: string }
  | {
      readonly image: string;
      readonly flavour: ProxyFlavour;
      readonly service: string;
      readonly dir: string;
      readonly certs: CertPaths;
    };

/** Why the proxy cannot be set up here, or undefined when it can. */
export function setupUnavailable(setup: ProxySetup): string | undefined {
  return 'unavailable' in setup ? setup.unavailable : undefined;
}

/** The proxy's image, flavour and folder, or the localized reason it cannot run here. */
export function proxySetup(config: LabStepConfig, l10n: Localizer): ProxySetup {
  const proxy = proxyImage(config);
  if (!proxy) {
    return {
      unavailable: l10n.t('No reverse proxy image is set for this environment: set swarmLab.images.traefik.'),
    };
  }
  const dir = proxyDir(config, proxy.flavour);
  return { ...proxy, dir, certs: certPaths(dir) };
}

/** Says, for the log and the evidence, when the local lab's Debian substitute stands in for Traefik. */
export function substituteNote(flavour: ProxyFlavour, image: string, l10n: Localizer): string | undefined {
  return flavour === 'caddy'
    ? l10n.t('Caddy from Debian ({0}) stands in for Traefik here: the local lab cannot pull images.', image)
    : undefined;
}

/** The certificates' paths: in the folder of the proxy that runs here (Traefik's when there is none). */
export function certsOf(config: LabStepConfig) {
  return certPaths(proxyDir(config, proxyImage(config)?.flavour ?? 'traefik'));
}

async function certificateState(ctx: Pick<NodeContext, 'session' | 'signal'>, config: LabStepConfig) {
  const paths = certsOf(config);
  const out = await asRoot(ctx, certificateStatusCommand(paths));
  return { paths, problems: out.code === 0 ? certificateProblems(out.stdout) : ['status'] };
}

export function proxyCertificateStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'proxy.certificate',
    title: l10n.t('Wildcard certificate *.{0}', DOMAIN),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const { paths, problems } = await certificateState(ctx, config);
      return problems.length === 0
        ? {
            state: 'done',
            reason: ctx.l10n.t('a valid certificate for *.{0} and its CA are in {1}', DOMAIN, paths.dir),
          }
        : {
            state: 'todo',
            reason: problems.includes('dir')
              ? ctx.l10n.t('no certificate in {0} yet', paths.dir)
              : ctx.l10n.t('the certificate in {0} is to be made again ({1})', paths.dir, problems.join(', ')),
          };
    },
    async plan(ctx) {
      const { paths } = await certificateState(ctx, config);
      return [
        rootAction(ctx, sh`mkdir -p -- ${paths.dir} && chmod 0755 ${paths.dir}`),
        rootAction(ctx, sh`cat > ${paths.config}`, { stdin: opensslConfig() }),
        rootAction(ctx, certificateCommand(paths)),
        // The evidence: who signed what, until when, and the keys' modes (never their content).
        rootAction(ctx, sh`openssl x509 -noout -subject -issuer -enddate -in ${paths.cert}; ls -l ${paths.dir}`, {
          evidence: true,
        }),
      ];
    },
  };
  return singlePhaseStep(step, 10);
}

/** The text of a root-only file, or undefined when it is not there. */
async function rootFile(ctx: Pick<NodeContext, 'session' | 'signal'>, file: string): Promise<string | undefined> {
  const out = await asRoot(ctx, sh`cat -- ${file}`);
  return out.code === 0 ? out.stdout : undefined;
}

/** The proxy network, created once (attachable, so a lone container can join it to test). */
export function proxyNetworkAction(): Action {
  return {
    kind: 'exec',
    command: sh`docker network inspect ${PROXY_NETWORK} >/dev/null 2>&1 || docker network create --driver overlay --attachable ${PROXY_NETWORK}`,
  };
}

interface DeployMemo {
  readonly exists: boolean;
  readonly stale: boolean;
}

export function proxyDeployStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const setup = proxySetup(config, l10n);
  const step: Step<DeployMemo> = {
    id: 'proxy.deploy',
    title: l10n.t('Reverse proxy on the managers'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      if ('unavailable' in setup) {
        return { state: 'todo', reason: setup.unavailable };
      }
      const docker = labSession(ctx.session).docker;
      const service = (await docker.services(PROXY_STACK)).find((s) => s.name === setup.service);
      const files = proxyConfigFiles(setup.flavour, config.stackName);
      let stale = false;
      for (const [name, content] of files) {
        stale ||= (await rootFile(ctx, `${setup.dir}/${name}`)) !== content;
      }
      if (!service) {
        return {
          state: 'todo',
          reason: ctx.l10n.t('no {0} service yet', setup.service),
          memo: { exists: false, stale },
        };
      }
      if (stale || normalizeImage(service.image) !== normalizeImage(setup.image)) {
        return {
          state: 'todo',
          reason: ctx.l10n.t('{0} runs with another image or configuration: it is updated', setup.service),
          memo: { exists: true, stale },
        };
      }
      const tasks = await docker.tasks(PROXY_STACK);
      return converged([service], [setup.service], tasks)
        ? { state: 'done', reason: ctx.l10n.t('{0} runs: {1}', setup.service, describeServices([service])) }
        : { state: 'todo', reason: describeServices([service]), memo: { exists: true, stale: false } };
    },
    async plan(ctx, memo) {
      if ('unavailable' in setup) {
        throw new Error(setup.unavailable);
      }
      const Y = await loadYaml();
      const composeFile = `${HOME_PROXY_DIR}/docker-compose.yml`;
      const note = substituteNote(setup.flavour, setup.image, ctx.l10n);
      if (note) {
        ctx.log(note);
      }
      const actions: Action[] = [
        {
          kind: 'call',
          description: ctx.l10n.t('check that the certificate is in {0} (proxy.certificate)', setup.certs.dir),
          async run(session, io) {
            const { problems } = await certificateState({ session, signal: io.signal }, config);
            if (problems.length > 0) {
              throw new Error(ctx.l10n.t('No valid certificate in {0}: run proxy.certificate first.', setup.certs.dir));
            }
            // Every manager mounts the files: without section 5's shared /data, only this one has them.
            const managers = ctx.cluster.filter((n) => n.role === 'manager' && n.name !== ctx.node.name);
            const lacking: string[] = [];
            for (const manager of managers) {
              const other = await config.sessionOf(manager.name, io.signal);
              const out = await asRoot({ session: other, signal: io.signal }, sh`test -s ${setup.certs.cert}`);
              if (out.code !== 0) {
                lacking.push(manager.name);
              }
            }
            if (lacking.length > 0) {
              throw new Error(
                ctx.l10n.t(
                  '{0} is not shared with {1}: mount the shared /data (section 5) on every manager first.',
                  setup.certs.dir,
                  lacking.join(', '),
                ),
              );
            }
          },
        },
        ...[...proxyConfigFiles(setup.flavour, config.stackName)].map(([name, content]) =>
          rootAction(ctx, sh`cat > ${`${setup.dir}/${name}`}`, { stdin: content }),
        ),
        { kind: 'exec', command: sh`mkdir -p -- ${HOME_PROXY_DIR}` },
        {
          kind: 'upload',
          path: composeFile,
          content: proxyCompose(Y, setup.image, setup.flavour, setup.dir, config.environment),
        },
        proxyNetworkAction(),
        {
          kind: 'exec',
          command: sh`docker stack deploy --resolve-image never -c ${composeFile} ${PROXY_STACK}`,
          evidence: true,
        },
      ];
      if (memo?.exists && memo.stale) {
        // The proxy reads its files when it starts: a new configuration needs new tasks.
        actions.push({ kind: 'exec', command: sh`docker service update --detach --force ${setup.service}` });
      }
      actions.push(
        convergeAction({ service: setup.service, inStack: PROXY_STACK }, config.timeouts.converge, ctx.l10n, {
          evidence: true,
          note,
        }),
      );
      return actions;
    },
  };
  return singlePhaseStep(step, 10, setupUnavailable(setup));
}

export function proxyRunningCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  const setup = proxySetup(config, l10n);
  return labCheck({
    id: 'proxy.running',
    title: l10n.t('One proxy task runs on every manager'),
    section: 10,
    targets: 'firstManager',
    unavailable: setupUnavailable(setup),
    async node(ctx): Promise<NodeCheck> {
      if ('unavailable' in setup) {
        return { ok: false, why: setup.unavailable };
      }
      const docker = labSession(ctx.session).docker;
      const [nodes, tasks] = await Promise.all([docker.nodes(), docker.tasks(PROXY_STACK)]);
      const running = new Set(
        tasks.filter((t) => t.service === setup.service && t.state === 'running').map((t) => t.node),
      );
      const managers = nodes.filter((n) => n.role === 'manager').map((n) => n.hostname);
      const missing = managers.filter((m) => !running.has(m));
      const note = substituteNote(setup.flavour, setup.image, ctx.l10n);
      return missing.length === 0 && managers.length > 0
        ? { ok: true, why: [ctx.l10n.t('{0} runs on {1}', setup.service, managers.join(', ')), note].join(' ').trim() }
        : { ok: false, why: ctx.l10n.t('no running {0} task on {1}', setup.service, missing.join(', ') || '—') };
    },
  });
}

/** The certificate a manager's port 443 presents for `name`, and whether it verifies against the CA. */
export function tlsProbeCommand(address: string, name: string, ca: string): ShellCommand {
  return sh`out=$(timeout 10 openssl s_client -connect ${`${address}:443`} -servername ${name} -CAfile ${ca} </dev/null 2>&1); printf '%s\n' "$out" | grep -E '^ *Verify return code'; printf '%s\n' "$out" | openssl x509 -noout -subject -issuer -enddate`;
}

export function proxyTlsCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  const setup = proxySetup(config, l10n);
  return labCheck({
    id: 'proxy.tls',
    title: l10n.t('Port 443 presents the *.{0} certificate', DOMAIN),
    section: 10,
    targets: 'managers',
    unavailable: setupUnavailable(setup),
    async node(ctx: CheckContext): Promise<NodeCheck> {
      if ('unavailable' in setup) {
        return { ok: false, why: setup.unavailable };
      }
      // Any name of the domain will do: the wildcard answers for all.
      const out = await asRoot(ctx, tlsProbeCommand(ctx.node.address, `proxy.${DOMAIN}`, setup.certs.caCert));
      const text = out.stdout.trim();
      const verified = /Verify return code: 0 \(ok\)/.test(text);
      const subject = /^subject=.*CN\s*=\s*\*\.b3\.swarm/m.test(text);
      const summary = text.split('\n').join('; ').slice(0, 300);
      return verified && subject
        ? { ok: true, why: summary }
        : {
            ok: false,
            why: ctx.l10n.t(
              'port 443 of {0} does not present a verified *.{1} certificate: {2}',
              ctx.node.address,
              DOMAIN,
              summary || out.stderr.trim(),
            ),
          };
    },
  });
}
