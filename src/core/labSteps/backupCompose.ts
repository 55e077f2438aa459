/**
 * A stack's compose file rebuilt from its services' specs (Docker keeps no
 * compose file: the specs are what is deployed). Values scrubbed out of the
 * specs are asked for at deploy time, every other `$` is kept literal. And
 * the backup's files: that compose file beside what it was rebuilt from.
 */
import type { YamlModule } from '../compose/composeYaml';
import type { RawObject } from './labSession';
import {
  arr,
  obj,
  REDACTED,
  scrubService,
  scrubText,
  serviceName,
  stackOf,
  stacksOf,
  str,
  type BackupFile,
  type ClusterState,
  type Scrubbed,
} from './backupContent';

function shortName(full: string, stack: string): string {
  return full.startsWith(`${stack}_`) ? full.slice(stack.length + 1) : full;
}

/** `image:tag@sha256:…` → `image:tag`: a restore runs the name, the digest is kept in the service's spec. */
function withoutDigest(image: string): string {
  return image.replace(/@sha256:[0-9a-f]+$/, '');
}

/** A value as compose must carry it: `docker stack deploy` substitutes `$VAR`, so a literal `$` is doubled. */
function literal(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** What a restore must be given instead of a scrubbed value: `${NAME:?…}`, which fails the deploy when unset. */
function askedFor(name: string): string {
  return `\${${name}:?${name} was not backed up: give it at deploy time}`;
}

/** An argument list with its scrubbed values asked for (`DATABASE_REQUIREPASS`), the rest literal. */
function argsOf(list: readonly string[], service: string): string[] {
  const variable = (option: string): string =>
    `${service}_${option.replace(/^-+/, '')}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return list.map((arg, i) => {
    if (arg === REDACTED && i > 0) {
      return askedFor(variable(list[i - 1]));
    }
    const m = /^(-[^=]+)=<redacted>$/.exec(arg);
    return m ? `${m[1]}=${askedFor(variable(m[1]))}` : literal(arg);
  });
}

function nanosToDuration(ns: unknown): string | undefined {
  return typeof ns === 'number' && ns > 0 ? `${Math.round(ns / 1e6)}ms` : undefined;
}

/**
 * A stack's compose file (format 3.8) rebuilt from its (scrubbed) services'
 * specs: what `docker stack deploy` needs to deploy the same services again.
 * Configs and secrets are external (the restore creates the configs from the
 * backup under their own names; secrets must exist already), the stack's
 * networks are the stack's own, others external.
 */
export function stackCompose(
  Y: YamlModule,
  stack: string,
  services: readonly RawObject[],
  networks: readonly RawObject[],
): string {
  const netById = new Map(networks.map((n) => [str(n['Id']) ?? str(n['ID']) ?? '', n]));
  const out: Record<string, unknown> = {};
  const usedNetworks = new Map<string, Record<string, unknown>>();
  const usedConfigs = new Map<string, Record<string, unknown>>();
  const usedSecrets = new Map<string, Record<string, unknown>>();
  const usedVolumes = new Map<string, Record<string, unknown>>();
  const mine = services.filter((s) => stackOf(obj(s['Spec'])['Labels']) === stack);
  for (const service of [...mine].sort((a, b) => serviceName(a).localeCompare(serviceName(b)))) {
    const spec = obj(service['Spec']);
    const task = obj(spec['TaskTemplate']);
    const c = obj(task['ContainerSpec']);
    const s: Record<string, unknown> = { image: withoutDigest(str(c['Image']) ?? '') };
    const short = shortName(serviceName(service), stack);
    if (arr(c['Command']).length > 0) {
      s['entrypoint'] = argsOf(arr(c['Command']).map(String), short);
    }
    if (arr(c['Args']).length > 0) {
      s['command'] = argsOf(arr(c['Args']).map(String), short);
    }
    const env = arr(c['Env']).map(String);
    if (env.length > 0) {
      s['environment'] = Object.fromEntries(
        env.map((e) => {
          const eq = e.indexOf('=');
          const key = eq < 0 ? e : e.slice(0, eq);
          const value = eq < 0 ? '' : e.slice(eq + 1);
          // A scrubbed value is asked for at deploy time: `NAME=… docker stack deploy`.
          return [key, value === REDACTED ? askedFor(key) : literal(value)];
        }),
      );
    }
    for (const [from, to] of [
      ['Hostname', 'hostname'],
      ['User', 'user'],
      ['Dir', 'working_dir'],
    ] as const) {
      if (str(c[from])) {
        s[to] = c[from];
      }
    }
    if (c['Init'] === true) {
      s['init'] = true;
    }
    const grace = nanosToDuration(c['StopGracePeriod']);
    if (grace) {
      s['stop_grace_period'] = grace;
    }
    const mounts = arr(c['Mounts']).map(obj);
    if (mounts.length > 0) {
      s['volumes'] = mounts.map((m) => {
        const type = (str(m['Type']) ?? 'volume').toLowerCase();
        const source = str(m['Source']);
        let key = source;
        if (type === 'volume' && source) {
          // The stack's own volumes lose their prefix and are declared; others are external.
          const own = source.startsWith(`${stack}_`);
          key = own ? shortName(source, stack) : source;
          usedVolumes.set(key, own ? {} : { external: true, name: source });
        }
        return {
          type,
          ...(key ? { source: key } : {}),
          target: m['Target'],
          ...(m['ReadOnly'] === true ? { read_only: true } : {}),
        };
      });
    }
    for (const [key, idKey, nameKey, used] of [
      ['Configs', 'ConfigID', 'ConfigName', usedConfigs],
      ['Secrets', 'SecretID', 'SecretName', usedSecrets],
    ] as const) {
      const refs = arr(c[key]).map(obj);
      if (refs.length > 0) {
        s[key.toLowerCase()] = refs.map((r) => {
          const full = String(r[nameKey] ?? r[idKey]);
          const file = obj(r['File']);
          used.set(full, { external: true, name: full });
          return {
            source: full,
            ...(file['Name'] ? { target: file['Name'] } : {}),
            ...(typeof file['Mode'] === 'number' ? { mode: file['Mode'] } : {}),
          };
        });
      }
    }
    const nets = arr(task['Networks']).map(obj);
    if (nets.length > 0) {
      s['networks'] = Object.fromEntries(
        nets.map((n) => {
          const network = netById.get(String(n['Target'])) ?? {};
          const full = str(network['Name']) ?? String(n['Target']);
          const own = stackOf(network['Labels']) === stack;
          const key = own ? shortName(full, stack) : full;
          usedNetworks.set(
            key,
            own
              ? { driver: str(network['Driver']) ?? 'overlay', ...(network['Attachable'] ? { attachable: true } : {}) }
              : { external: true, name: full },
          );
          const aliases = arr(n['Aliases'])
            .map(String)
            .filter((a) => a !== shortName(serviceName(service), stack));
          return [key, aliases.length > 0 ? { aliases } : null];
        }),
      );
    }
    const endpoint = obj(spec['EndpointSpec']);
    const ports = arr(endpoint['Ports']).map(obj);
    if (ports.length > 0) {
      s['ports'] = ports.map((p) => ({
        target: p['TargetPort'],
        ...(p['PublishedPort'] ? { published: p['PublishedPort'] } : {}),
        protocol: p['Protocol'] ?? 'tcp',
        mode: p['PublishMode'] ?? 'ingress',
      }));
    }
    const deploy: Record<string, unknown> = {};
    const mode = obj(spec['Mode']);
    if (mode['Global'] !== undefined) {
      deploy['mode'] = 'global';
    } else {
      deploy['replicas'] = obj(mode['Replicated'])['Replicas'] ?? 1;
    }
    if (endpoint['Mode'] === 'dnsrr') {
      deploy['endpoint_mode'] = 'dnsrr';
    }
    const constraints = arr(obj(task['Placement'])['Constraints']).map(String);
    if (constraints.length > 0) {
      deploy['placement'] = { constraints };
    }
    const labels = Object.fromEntries(
      Object.entries(obj(spec['Labels']))
        .filter(([k]) => !k.startsWith('com.docker.stack.'))
        .map(([k, v]) => [k, literal(String(v))]),
    );
    if (Object.keys(labels).length > 0) {
      deploy['labels'] = labels;
    }
    s['deploy'] = deploy;
    out[short] = s;
  }
  const doc: Record<string, unknown> = { version: '3.8', services: out };
  for (const [key, used] of [
    ['networks', usedNetworks],
    ['volumes', usedVolumes],
    ['configs', usedConfigs],
    ['secrets', usedSecrets],
  ] as const) {
    if (used.size > 0) {
      doc[key] = Object.fromEntries([...used].sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  const header = [
    `# The stack ${stack} as deployed, rebuilt by Swarm Lab from its services' specs.`,
    `# Restore: create its configs and secrets, then`,
    `#   docker stack deploy --resolve-image never -c docker-compose.yml ${stack}`,
  ];
  return `${header.join('\n')}\n${Y.stringify(doc, { lineWidth: 0 })}`;
}

/** The files of a backup (paths inside the archive), before the manifest; and what was scrubbed. */
export function backupFiles(
  Y: YamlModule,
  state: ClusterState,
  known: readonly string[] = [],
): { readonly files: BackupFile[]; readonly scrubbed: Scrubbed[]; readonly stacks: string[] } {
  const files: BackupFile[] = [];
  const scrubbed: Scrubbed[] = [];
  const clean = state.services.map((s) => {
    const r = scrubService(s, known);
    scrubbed.push(...r.scrubbed);
    return r.service;
  });
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  for (const service of [...clean].sort((a, b) => serviceName(a).localeCompare(serviceName(b)))) {
    files.push({ path: `services/${serviceName(service)}.json`, content: json(service) });
  }
  const stacks = stacksOf(clean);
  for (const stack of stacks) {
    files.push({ path: `stacks/${stack}/docker-compose.yml`, content: stackCompose(Y, stack, clean, state.networks) });
  }
  for (const config of [...state.configs].sort((a, b) => serviceName(a).localeCompare(serviceName(b)))) {
    const spec = obj(config['Spec']);
    const name = str(spec['Name']) ?? String(config['ID']);
    const data = Buffer.from(str(spec['Data']) ?? '', 'base64').toString('utf8');
    files.push({
      path: `configs/${name}.json`,
      content: json({ ID: config['ID'], Name: name, Labels: spec['Labels'] ?? {} }),
    });
    files.push({ path: `configs/${name}.data`, content: scrubText(data, known) });
  }
  // Names, labels and ids: nothing else is kept of a secret (the API gives nothing else).
  files.push({
    path: 'secrets.json',
    content: json(
      state.secrets
        .map((s) => ({ ID: s['ID'], Name: str(obj(s['Spec'])['Name']), Labels: obj(s['Spec'])['Labels'] ?? {} }))
        .sort((a, b) => String(a.Name).localeCompare(String(b.Name))),
    ),
  });
  files.push({
    path: 'networks.json',
    content: json(
      state.networks
        .filter((n) => n['Scope'] === 'swarm' && n['Name'] !== 'ingress')
        .map((n) => ({ Name: n['Name'], Driver: n['Driver'], Labels: n['Labels'] ?? {}, Attachable: n['Attachable'] }))
        .sort((a, b) => String(a.Name).localeCompare(String(b.Name))),
    ),
  });
  files.push({ path: 'registry/catalog.json', content: json(state.registry) });
  return { files, scrubbed, stacks };
}
