/**
 * Sections 10–12, the pure part: the names, the certificate's OpenSSL
 * config and commands, and the files and compose stacks of the reverse
 * proxy. On VMs the proxy is the lab's Traefik (static `traefik.toml`, the
 * certificate through the file provider, routes from the services' labels).
 * In the local lab it is Caddy from Debian standing in for Traefik (no
 * image can be pulled there): its routes are written in its Caddyfile, and
 * it reaches the services through `tasks.<service>` names, since the local
 * lab has no service VIPs.
 */
import { sh, type ShellCommand } from '../shell/shellQuote';
import type { YamlModule } from '../compose/composeYaml';
import type { LabStepConfig } from './labConfig';
import { labImage, TRAEFIK_IMAGE } from './labImages';

export const DOMAIN = 'b3.swarm';
export const APP_HOST = `app.${DOMAIN}`;
export const REGISTRY_HOST = `registry.${DOMAIN}`;
/** The overlay network the proxy and the services behind it share (created once, attachable). */
export const PROXY_NETWORK = 'proxy';
export const PROXY_STACK = 'proxy';
/** The compose file's service that answers HTTP (nginx on 8080). */
export const APP_SERVICE = 'app-proxy';
export const APP_PORT = 8080;
export const REGISTRY_SERVICE = 'registry';
export const REGISTRY_PORT = 5000;
/** Relative: the stack files go in the user's home, like the lab's other stacks. */
export const HOME_PROXY_DIR = 'swarm-lab/proxy';
export const APP_HTTPS_COMPOSE = 'swarm-lab/python_dirty_app/docker-compose.https.yml';

export type ProxyFlavour = 'traefik' | 'caddy';

/** Which configuration the proxy image takes: Caddy's for a Caddy image, Traefik's otherwise. */
export function proxyFlavour(image: string): ProxyFlavour {
  return /caddy/i.test(image) ? 'caddy' : 'traefik';
}

/** The proxy's image and flavour here; undefined when there is no image for the role. */
export function proxyImage(
  config: Pick<LabStepConfig, 'environment' | 'images'>,
): { readonly image: string; readonly flavour: ProxyFlavour; readonly service: string } | undefined {
  const image = labImage(config, TRAEFIK_IMAGE);
  if (image === undefined) {
    return undefined;
  }
  const flavour = proxyFlavour(image);
  // The service says what really runs: never "traefik" for Caddy.
  return { image, flavour, service: `${PROXY_STACK}_${flavour}` };
}

/**
 * The proxy's folder: the lab's `/data/traefik` (shared storage of section
 * 5), or, in the local lab, a folder of this machine every node sees.
 */
export function proxyDir(config: Pick<LabStepConfig, 'dataFolder'>, flavour: ProxyFlavour): string {
  return `${(config.dataFolder ?? '/data').replace(/\/+$/, '')}/${flavour}`;
}

export interface CertPaths {
  readonly dir: string;
  readonly config: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

export function certPaths(base: string): CertPaths {
  const dir = `${base}/certs`;
  return {
    dir,
    config: `${dir}/openssl.cnf`,
    caCert: `${dir}/ca.crt`,
    caKey: `${dir}/ca.key`,
    cert: `${dir}/wildcard.crt`,
    key: `${dir}/wildcard.key`,
  };
}

/** Days the CA and the certificate are valid: 825 is the longest a browser accepts for a server certificate. */
export const CERT_DAYS = 825;
/** A certificate expiring within this many seconds is made again. */
export const CERT_RENEW_BEFORE_S = 30 * 24 * 3600;

/**
 * OpenSSL's config for both certificates. Extensions come from sections, not
 * `-addext`, which the VMs' older OpenSSL lacks. The CA is what checks and
 * Docker (`/etc/docker/certs.d/`) verify against; the server certificate
 * carries the wildcard name in its subjectAltName, which is what clients
 * match (the CN is ignored by them).
 */
export function opensslConfig(domain: string = DOMAIN): string {
  return [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    '',
    '[dn]',
    `CN = *.${domain}`,
    '',
    '[v3_ca]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '',
    '[v3_leaf]',
    'basicConstraints = CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = DNS:*.${domain}, DNS:${domain}`,
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n');
}

/**
 * Makes the CA and the wildcard certificate signed by it, keys 0600 (the
 * shell's umask from the start, so a key is never readable by others even
 * for a moment). Runs as root in the certificates' folder; the config file
 * is written there before.
 */
export function certificateCommand(paths: CertPaths, domain: string = DOMAIN): ShellCommand {
  const csr = `${paths.dir}/wildcard.csr`;
  const serial = `${paths.dir}/ca.srl`;
  const caSubject = `/CN=Swarm Lab ${domain} CA`;
  return sh`set -e; umask 077; cd ${paths.dir}; openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days ${String(CERT_DAYS)} -config ${paths.config} -extensions v3_ca -subj ${caSubject} -keyout ${paths.caKey} -out ${paths.caCert}; openssl req -new -newkey rsa:2048 -sha256 -nodes -config ${paths.config} -keyout ${paths.key} -out ${csr}; openssl x509 -req -sha256 -days ${String(CERT_DAYS)} -in ${csr} -CA ${paths.caCert} -CAkey ${paths.caKey} -CAcreateserial -CAserial ${serial} -extfile ${paths.config} -extensions v3_leaf -out ${paths.cert}; rm -f -- ${csr}; chmod 0644 ${paths.caCert} ${paths.cert}; chmod 0600 ${paths.caKey} ${paths.key}`;
}

/**
 * What the certificate's check prints: `verify:` (the chain against the
 * CA), `fresh:` (not expiring soon), `san:` (the wildcard name), `keys:`
 * (both keys there, 0600). Each line ends in `ok` or `no`.
 */
export function certificateStatusCommand(paths: CertPaths, domain: string = DOMAIN): ShellCommand {
  const wildcard = `DNS:*.${domain}`;
  return sh`cd ${paths.dir} 2>/dev/null || { echo 'dir: no'; exit 0; }; if openssl verify -CAfile ${paths.caCert} ${paths.cert} >/dev/null 2>&1; then echo 'verify: ok'; else echo 'verify: no'; fi; if openssl x509 -noout -checkend ${String(CERT_RENEW_BEFORE_S)} -in ${paths.cert} >/dev/null 2>&1; then echo 'fresh: ok'; else echo 'fresh: no'; fi; if openssl x509 -noout -text -in ${paths.cert} 2>/dev/null | grep -qF ${wildcard}; then echo 'san: ok'; else echo 'san: no'; fi; modes=$(stat -c %a ${paths.key} ${paths.caKey} 2>/dev/null | tr '\n' ' '); if [ "$modes" = '600 600 ' ]; then echo 'keys: ok'; else echo 'keys: no'; fi`;
}

/** The failing parts of certificateStatusCommand's output; empty when the certificate is good. */
export function certificateProblems(status: string): string[] {
  const parts = ['verify', 'fresh', 'san', 'keys'];
  const lines = new Map(
    status
      .split('\n')
      .map((l) => l.trim().split(/:\s*/))
      .filter((p) => p.length === 2)
      .map(([k, v]) => [k, v] as const),
  );
  if (lines.get('dir') === 'no') {
    return ['dir'];
  }
  return parts.filter((p) => lines.get(p) !== 'ok');
}

/**
 * Caddy's config (the local lab's substitute): the wildcard certificate for
 * every name of the domain, the app and the registry by their
 * `tasks.<service>` names (resolved at each connection, so tasks that come
 * and go are followed), and Caddy's automatic HTTP → HTTPS redirect.
 * Certificates are never fetched (`disable_certs`), the admin API is off.
 */
export function caddyfile(stackName: string): string {
  const tls = '\ttls /certs/wildcard.crt /certs/wildcard.key';
  return [
    '# Caddy (Debian) standing in for Traefik in the local lab. Generated by Swarm Lab.',
    '{',
    '\tadmin off',
    '\tauto_https disable_certs',
    '\tstorage file_system /var/lib/caddy',
    '}',
    '',
    `${APP_HOST} {`,
    tls,
    `\treverse_proxy tasks.${stackName}_${APP_SERVICE}:${APP_PORT}`,
    '}',
    '',
    `${REGISTRY_HOST} {`,
    tls,
    `\treverse_proxy tasks.${REGISTRY_SERVICE}:${REGISTRY_PORT}`,
    '}',
    '',
    `*.${DOMAIN} {`,
    tls,
    '\trespond "No service is published under this name." 404',
    '}',
    '',
  ].join('\n');
}

/**
 * Traefik's static config (v2): HTTP redirected to HTTPS, the dashboard on
 * 8080 as the lab publishes it, the swarm's services by their labels (only
 * those that ask), the certificate from the file provider.
 */
export function traefikToml(): string {
  return [
    '# Generated by Swarm Lab (lab section 10).',
    '[entryPoints]',
    '  [entryPoints.web]',
    '    address = ":80"',
    '    [entryPoints.web.http.redirections.entryPoint]',
    '      to = "websecure"',
    '      scheme = "https"',
    '  [entryPoints.websecure]',
    '    address = ":443"',
    '',
    '[api]',
    '  dashboard = true',
    '  insecure = true',
    '',
    '[providers.docker]',
    '  swarmMode = true',
    '  exposedByDefault = false',
    `  network = "${PROXY_NETWORK}"`,
    '',
    '[providers.file]',
    '  filename = "/etc/traefik/tls.toml"',
    '',
  ].join('\n');
}

/** The file provider's part: the wildcard certificate, also the default one (any name of the domain). */
export function traefikTlsToml(): string {
  return [
    '[[tls.certificates]]',
    '  certFile = "/certs/wildcard.crt"',
    '  keyFile = "/certs/wildcard.key"',
    '',
    '[tls.stores.default.defaultCertificate]',
    '  certFile = "/certs/wildcard.crt"',
    '  keyFile = "/certs/wildcard.key"',
    '',
  ].join('\n');
}

/** The files the proxy's folder holds besides the certificates, by name. */
export function proxyConfigFiles(flavour: ProxyFlavour, stackName: string): ReadonlyMap<string, string> {
  return flavour === 'caddy'
    ? new Map([['Caddyfile', caddyfile(stackName)]])
    : new Map([
        ['traefik.toml', traefikToml()],
        ['tls.toml', traefikTlsToml()],
      ]);
}

function bind(source: string, target: string): Record<string, unknown> {
  return { type: 'bind', source, target, read_only: true };
}

/**
 * The proxy's stack: one task on every manager, on the proxy network. Only
 * the server certificate and its key are mounted, never the CA's key. On
 * VMs, Traefik's ports go through the routing mesh as the lab publishes
 * them; the local lab has no IPVS, so there they are host-mode ports.
 */
export function proxyCompose(
  Y: YamlModule,
  image: string,
  flavour: ProxyFlavour,
  dir: string,
  environment: LabStepConfig['environment'],
): string {
  const certs = certPaths(dir);
  // No IPVS in the local lab, whichever proxy runs there (a teacher's archive may bring Traefik).
  const hostMode = environment === 'local-lab';
  const port = (n: number): Record<string, unknown> =>
    hostMode
      ? { target: n, published: n, protocol: 'tcp', mode: 'host' }
      : { target: n, published: n, protocol: 'tcp' };
  const volumes = [bind(certs.cert, '/certs/wildcard.crt'), bind(certs.key, '/certs/wildcard.key')];
  if (flavour === 'caddy') {
    volumes.unshift(bind(`${dir}/Caddyfile`, '/etc/caddy/Caddyfile'));
  } else {
    volumes.unshift(
      bind('/var/run/docker.sock', '/var/run/docker.sock'),
      bind(`${dir}/traefik.toml`, '/etc/traefik/traefik.toml'),
      bind(`${dir}/tls.toml`, '/etc/traefik/tls.toml'),
    );
  }
  const service: Record<string, unknown> = {
    image,
    // Traefik's dashboard listens on 8080, published as 8081: the app holds 8080 until section 11.
    ports: flavour === 'caddy' ? [port(80), port(443)] : [port(80), port(443), { ...port(8080), published: 8081 }],
    volumes,
    networks: [PROXY_NETWORK],
    deploy: {
      mode: 'global',
      ...(hostMode ? { endpoint_mode: 'dnsrr' } : {}),
      placement: { constraints: ['node.role == manager'] },
    },
  };
  const doc = {
    version: '3.8',
    services: { [flavour]: service },
    networks: { [PROXY_NETWORK]: { external: true } },
  };
  const header =
    flavour === 'caddy'
      ? "# The lab's reverse proxy; in the local lab Caddy from Debian stands in for Traefik.\n"
      : "# The lab's reverse proxy (section 10). Generated by Swarm Lab.\n";
  return header + Y.stringify(doc);
}

/** Traefik's labels routing `host` to a service's port over HTTPS. */
export function traefikLabels(router: string, host: string, port: number): string[] {
  return [
    'traefik.enable=true',
    `traefik.docker.network=${PROXY_NETWORK}`,
    `traefik.http.routers.${router}.rule=Host(\`${host}\`)`,
    `traefik.http.routers.${router}.entrypoints=websecure`,
    `traefik.http.routers.${router}.tls=true`,
    `traefik.http.services.${router}.loadbalancer.server.port=${port}`,
  ];
}

/**
 * The stack's compose file with the app behind the proxy: app-proxy
 * publishes no port any more (only the proxy is reached from outside), it
 * joins the proxy network, and, for Traefik, carries the labels that route
 * app.b3.swarm to it. Comments and the rest of the file stay as written.
 */
export function behindProxyCompose(Y: YamlModule, compose: string, flavour: ProxyFlavour): string {
  const doc = Y.parseDocument(compose);
  const base = ['services', APP_SERVICE];
  if (!doc.hasIn(base)) {
    throw new Error(`The compose file has no ${APP_SERVICE} service.`);
  }
  doc.deleteIn([...base, 'ports']);
  const networks = doc.getIn([...base, 'networks']);
  if (Y.isSeq(networks)) {
    if (!networks.items.some((n) => Y.isScalar(n) && n.value === PROXY_NETWORK)) {
      networks.add(PROXY_NETWORK);
    }
  } else if (Y.isMap(networks)) {
    networks.set(PROXY_NETWORK, null);
  } else {
    doc.setIn([...base, 'networks'], ['default', PROXY_NETWORK]);
  }
  if (flavour === 'traefik') {
    doc.setIn([...base, 'deploy', 'labels'], traefikLabels('app', APP_HOST, APP_PORT));
  }
  doc.setIn(['networks', PROXY_NETWORK], doc.createNode({ external: true }));
  return doc.toString();
}

/**
 * Puts `host` at `address` in a node's `/etc/hosts`, replacing an older
 * line for that name: how the nodes (and their Docker engine, which pushes
 * to registry.b3.swarm) find the proxy. Runs as root.
 */
export function hostsLineCommand(address: string, host: string, file = '/etc/hosts'): ShellCommand {
  const line = `${address}\t${host}`;
  const pattern = `[[:space:]]${host.replace(/\./g, '\\.')}([[:space:]]|$)`;
  // `>` rewrites the file in place: the local lab's /etc/hosts is a bind mount a new inode would leave behind.
  return sh`if ! grep -qxF ${line} ${file}; then tmp=$(grep -vE ${pattern} ${file}); printf '%s\n%s\n' "$tmp" ${line} > ${file}; fi`;
}
