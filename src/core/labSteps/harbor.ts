/**
 * Section 13: Harbor on one node of real VMs, with its own installer
 * (the offline tarball: its images come with it) and a `harbor.yml` made
 * from the settings. Harbor wants 4 GB of memory, Docker Compose and its
 * images from the Internet or the tarball: none of which the local lab has,
 * so there the step and the check say so and nothing runs. Passwords are
 * uploaded by a call whose description never holds them, and shown masked.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Step } from '../steps/step';
import { REDACTED } from './backupContent';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labCheck, singlePhaseStep } from './labConfig';
import { pollUntil, rootAction } from './labSession';

export interface HarborSettings {
  readonly hostname: string;
  readonly version: string;
  /** The certificate and key of section 10, as paths on the node. */
  readonly certificate: string;
  readonly privateKey: string;
  readonly dataVolume: string;
  readonly adminPassword: string;
  readonly databasePassword: string;
}

export const HARBOR_DEFAULTS: Omit<HarborSettings, 'adminPassword' | 'databasePassword'> = {
  hostname: 'harbor.b3.swarm',
  version: 'v2.11.1',
  certificate: '/data/traefik/certs/b3.swarm.crt',
  privateKey: '/data/traefik/certs/b3.swarm.key',
  dataVolume: '/data/harbor',
};

/** Relative: the user's home on the node. */
const HARBOR_DIR = 'harbor';

export function harborInstallerUrl(version: string): string {
  return `https://github.com/goharbor/harbor/releases/download/${version}/harbor-offline-installer-${version}.tgz`;
}

/** YAML's double-quoted scalar: a password may hold any character. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** `harbor.yml` for the installer: HTTPS with the lab's certificate, the data under /data. */
export function harborYml(s: HarborSettings): string {
  return [
    '# Made by Swarm Lab from its settings (section 13); read by Harbor’s install.sh.',
    `hostname: ${s.hostname}`,
    'http:',
    '  port: 80',
    'https:',
    '  port: 443',
    `  certificate: ${s.certificate}`,
    `  private_key: ${s.privateKey}`,
    `harbor_admin_password: ${quoted(s.adminPassword)}`,
    'database:',
    `  password: ${quoted(s.databasePassword)}`,
    '  max_idle_conns: 100',
    '  max_open_conns: 900',
    `data_volume: ${s.dataVolume}`,
    'trivy:',
    '  ignore_unfixed: false',
    '  skip_update: false',
    '  offline_scan: false',
    '  insecure: false',
    'jobservice:',
    '  max_job_workers: 10',
    'notification:',
    '  webhook_job_max_retry: 3',
    'log:',
    '  level: info',
    '  local:',
    '    rotate_count: 50',
    '    rotate_size: 200M',
    '    location: /var/log/harbor',
    `_version: ${s.version.replace(/^v/, '')}`,
    '',
  ].join('\n');
}

/** `harbor.yml` as the log and the report may show it. */
export function maskedHarborYml(s: HarborSettings): string {
  return harborYml({ ...s, adminPassword: REDACTED, databasePassword: REDACTED });
}

/** `/api/v2.0/health`'s answer: healthy, or the components that are not. */
export function harborHealth(json: string): { readonly healthy: boolean; readonly why: string } {
  let body: { status?: string; components?: Array<{ name?: string; status?: string; error?: string }> };
  try {
    body = JSON.parse(json) as typeof body;
  } catch {
    return { healthy: false, why: `not JSON: ${json.slice(0, 100)}` };
  }
  const components = body.components ?? [];
  const sick = components.filter((c) => c.status !== 'healthy');
  if (body.status === 'healthy' && sick.length === 0) {
    return { healthy: true, why: `healthy: ${components.map((c) => c.name).join(', ')}` };
  }
  return {
    healthy: false,
    why: `${body.status ?? '?'}: ${sick.map((c) => `${c.name} ${c.status}${c.error ? ` (${c.error})` : ''}`).join(', ')}`,
  };
}

function unavailableHere(config: LabStepConfig, l10n: Localizer): string | undefined {
  if (config.environment === 'local-lab') {
    return l10n.t(
      'Harbor cannot run in the local lab: it needs real VMs with 2 CPUs and 4 GB of memory for its node, Docker Compose, and its images from the Internet or Harbor’s offline installer tarball.',
    );
  }
  return config.harbor?.adminPassword
    ? undefined
    : l10n.t(
        'Harbor needs its administrator password: give it when Swarm Lab asks (it is kept in VS Code’s secret storage).',
      );
}

const healthCommand = (hostname: string): string[] => [
  'curl',
  '-fsSk',
  '-m',
  '5',
  '--resolve',
  `${hostname}:443:127.0.0.1`,
  `https://${hostname}/api/v2.0/health`,
];

export function harborInstallStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const settings: HarborSettings | undefined = config.harbor?.adminPassword
    ? {
        ...HARBOR_DEFAULTS,
        ...config.harbor,
        adminPassword: config.harbor.adminPassword,
        // Harbor's database is reached only inside its compose network: the admin password serves when none is given.
        databasePassword: config.harbor.databasePassword || config.harbor.adminPassword,
      }
    : undefined;
  const step: Step<undefined> = {
    id: 'harbor.install',
    title: l10n.t('Harbor on one node'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const out = await ctx.session.exec(healthCommand(settings!.hostname), { signal: ctx.signal });
      const health = out.code === 0 ? harborHealth(out.stdout) : undefined;
      return health?.healthy
        ? { state: 'done', reason: health.why }
        : { state: 'todo', reason: ctx.l10n.t('Harbor does not answer on {0} yet', settings!.hostname) };
    },
    plan(ctx) {
      const s = settings!;
      const tarball = `harbor-offline-installer-${s.version}.tgz`;
      return [
        {
          kind: 'exec',
          command: sh`mkdir -p ${HARBOR_DIR} && cd ${HARBOR_DIR} && { [ -s ${tarball} ] || curl -fL --retry 3 -o ${tarball} ${harborInstallerUrl(s.version)}; } && tar -xzf ${tarball} --strip-components=1`,
        },
        {
          kind: 'call',
          description: ctx.l10n.t(
            'upload {0} (passwords masked):\n{1}',
            `${HARBOR_DIR}/harbor.yml`,
            maskedHarborYml(s),
          ),
          async run(session, io) {
            await session.upload(`${HARBOR_DIR}/harbor.yml`, harborYml(s), { mode: 0o600, signal: io.signal });
          },
        },
        rootAction(ctx, sh`cd ${HARBOR_DIR} && ./install.sh`),
        {
          kind: 'call',
          description: ctx.l10n.t(
            'wait until {0} says every component is healthy',
            `https://${s.hostname}/api/v2.0/health`,
          ),
          evidence: true,
          async run(session, io) {
            let last = '';
            const done = await pollUntil(
              async () => {
                const out = await session.exec(healthCommand(s.hostname), { signal: io.signal });
                const health = harborHealth(out.code === 0 ? out.stdout : '');
                last = health.why;
                return health.healthy ? health.why : undefined;
              },
              { timeoutMs: config.timeouts.converge, intervalMs: 3_000, signal: io.signal },
            );
            if (done === undefined) {
              throw new Error(ctx.l10n.t('Harbor is not healthy: {0}', last));
            }
            return done;
          },
        },
      ];
    },
  };
  const unavailable = unavailableHere(config, l10n);
  return singlePhaseStep(step, 13, unavailable);
}

export function harborHealthyCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  const hostname = config.harbor?.hostname ?? HARBOR_DEFAULTS.hostname;
  return labCheck({
    id: 'harbor.healthy',
    title: l10n.t('Harbor reports every component healthy'),
    section: 13,
    targets: 'firstManager',
    unavailable: config.environment === 'local-lab' ? unavailableHere(config, l10n) : undefined,
    async node(ctx): Promise<NodeCheck> {
      const out = await ctx.session.exec(healthCommand(hostname), { signal: ctx.signal });
      if (out.code !== 0) {
        return { ok: false, why: ctx.l10n.t('Harbor does not answer on {0} yet', hostname) };
      }
      const health = harborHealth(out.stdout);
      return { ok: health.healthy, why: health.why };
    },
  });
}
