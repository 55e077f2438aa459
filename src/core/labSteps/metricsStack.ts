/**
 * Section 9's monitoring stack as files: the compose file `docker stack
 * deploy` reads, Prometheus's and Alertmanager's configurations (handed to
 * the services as swarm configs), Grafana's data source. Pure text, built
 * from the settings and the cluster's nodes, so the unit tests compare it
 * with fixtures.
 *
 * Like swarmprom: Prometheus, node exporter on every node, cAdvisor,
 * Alertmanager and Grafana. Unlike it, Prometheus scrapes each engine at its
 * node's own address on :9323 (the metrics-addr of section 2), so no
 * dockerd-exporter relay is needed, and each target carries its node's name:
 * the check can say which node's target is down. In the local lab there is
 * no IPVS: every port is published in host mode and services resolve each
 * other by DNS round robin (endpoint_mode dnsrr), never through a VIP.
 */
import type { LabStepConfig } from './labConfig';
import {
  ALERTMANAGER_IMAGE,
  CADVISOR_IMAGE,
  GRAFANA_IMAGE,
  labImage,
  NODE_EXPORTER_IMAGE,
  PROMETHEUS_IMAGE,
  type LabImageRole,
} from './labImages';

/** The stack's name, as swarmprom's instructions deploy it. */
export const METRICS_STACK = 'mon';
/** Relative: SSH commands and SFTP both start in the user's home. */
export const METRICS_DIR = 'swarm-lab/metrics';
export const PROMETHEUS_PORT = 9090;
export const ENGINE_METRICS_PORT = 9323;
export const NODE_EXPORTER_PORT = 9100;
const ALERTMANAGER_PORT = 9093;
const GRAFANA_PORT = 3000;
const CADVISOR_PORT = 8080;
const SCRAPE_INTERVAL = '10s';

/** A node Prometheus scrapes: its name (the `node` label) and its lab address. */
export interface MetricsNode {
  readonly name: string;
  readonly address: string;
}

/** A target the check expects up: one per node for the engine and for node exporter. */
export interface ExpectedTarget {
  readonly job: 'dockerd' | 'node-exporter';
  readonly node: string;
  readonly instance: string;
}

export interface MetricsFile {
  /** Relative to METRICS_DIR. */
  readonly path: string;
  readonly content: string;
}

export interface MetricsStack {
  readonly files: readonly MetricsFile[];
  /** The compose file's text (also among `files`). */
  readonly compose: string;
  readonly prometheusConfig: string;
  /** Service (short name) → image. */
  readonly services: ReadonlyMap<string, string>;
  /** Service (short name) → the swarm configs it mounts, by name. */
  readonly configs: ReadonlyMap<string, readonly string[]>;
  /** The roles left out because this environment has no image for them (Grafana and cAdvisor in the local lab). */
  readonly leftOut: readonly string[];
  readonly expected: readonly ExpectedTarget[];
}

/** JSON strings are YAML scalars: every value from settings or the cluster is written this way, never raw. */
const q = (value: string | number): string => JSON.stringify(String(value));

/** A short content hash (FNV-1a): a swarm config cannot change, so a new content is a new config name. */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function expectedTargets(nodes: readonly MetricsNode[]): ExpectedTarget[] {
  return [
    ...nodes.map((n) => ({ job: 'dockerd' as const, node: n.name, instance: `${n.address}:${ENGINE_METRICS_PORT}` })),
    ...nodes.map((n) => ({
      job: 'node-exporter' as const,
      node: n.name,
      instance: `${n.address}:${NODE_EXPORTER_PORT}`,
    })),
  ];
}

function staticJob(job: string, targets: readonly ExpectedTarget[]): string[] {
  return [
    `  - job_name: ${q(job)}`,
    '    static_configs:',
    ...targets.flatMap((t) => [`      - targets: [${q(t.instance)}]`, `        labels: { node: ${q(t.node)} }`]),
  ];
}

export function prometheusConfig(nodes: readonly MetricsNode[], withCadvisor: boolean): string {
  const expected = expectedTargets(nodes);
  return [
    'global:',
    `  scrape_interval: ${SCRAPE_INTERVAL}`,
    `  evaluation_interval: ${SCRAPE_INTERVAL}`,
    'alerting:',
    '  alertmanagers:',
    '    - static_configs:',
    `        - targets: [${q(`alertmanager:${ALERTMANAGER_PORT}`)}]`,
    'scrape_configs:',
    '  - job_name: "prometheus"',
    '    static_configs:',
    `      - targets: [${q(`localhost:${PROMETHEUS_PORT}`)}]`,
    ...staticJob(
      'dockerd',
      expected.filter((t) => t.job === 'dockerd'),
    ),
    ...staticJob(
      'node-exporter',
      expected.filter((t) => t.job === 'node-exporter'),
    ),
    ...(withCadvisor
      ? [
          '  - job_name: "cadvisor"',
          '    dns_sd_configs:',
          '      - names: ["tasks.cadvisor"]',
          '        type: "A"',
          `        port: ${CADVISOR_PORT}`,
        ]
      : []),
    '',
  ].join('\n');
}

/** One receiver that notifies nobody: the alerts are seen in Alertmanager's own interface. */
export const ALERTMANAGER_CONFIG = ['route:', '  receiver: "default"', 'receivers:', '  - name: "default"', ''].join(
  '\n',
);

export const GRAFANA_DATASOURCE = [
  'apiVersion: 1',
  'datasources:',
  '  - name: "Prometheus"',
  '    type: "prometheus"',
  '    access: "proxy"',
  `    url: ${q(`http://prometheus:${PROMETHEUS_PORT}`)}`,
  '    isDefault: true',
  '',
].join('\n');

interface ServiceSpec {
  readonly name: string;
  readonly role: LabImageRole;
  readonly command?: readonly string[];
  readonly configs?: ReadonlyArray<{ readonly key: string; readonly target: string }>;
  readonly volumes?: readonly string[];
  readonly environment?: readonly string[];
  readonly port?: number;
  /** Node exporter's port is per node in every environment: Prometheus scrapes each node's address. */
  readonly hostPort?: boolean;
  readonly global?: boolean;
  readonly managers?: boolean;
}

const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'prometheus',
    role: PROMETHEUS_IMAGE,
    command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
    configs: [{ key: 'prometheus_config', target: '/etc/prometheus/prometheus.yml' }],
    volumes: ['prometheus:/prometheus'],
    port: PROMETHEUS_PORT,
    managers: true,
  },
  {
    name: 'node-exporter',
    role: NODE_EXPORTER_IMAGE,
    command: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys'],
    volumes: ['/proc:/host/proc:ro', '/sys:/host/sys:ro'],
    port: NODE_EXPORTER_PORT,
    hostPort: true,
    global: true,
  },
  {
    name: 'cadvisor',
    role: CADVISOR_IMAGE,
    volumes: ['/:/rootfs:ro', '/var/run:/var/run:ro', '/sys:/sys:ro', '/var/lib/docker/:/var/lib/docker:ro'],
    global: true,
  },
  {
    name: 'alertmanager',
    role: ALERTMANAGER_IMAGE,
    // A single instance: no gossip cluster to form (it would look for peers).
    command: [
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--cluster.listen-address=',
    ],
    configs: [{ key: 'alertmanager_config', target: '/etc/alertmanager/alertmanager.yml' }],
    volumes: ['alertmanager:/alertmanager'],
    port: ALERTMANAGER_PORT,
    managers: true,
  },
  {
    name: 'grafana',
    role: GRAFANA_IMAGE,
    configs: [{ key: 'grafana_datasource', target: '/etc/grafana/provisioning/datasources/prometheus.yml' }],
    volumes: ['grafana:/var/lib/grafana'],
    port: GRAFANA_PORT,
    managers: true,
  },
];

const CONFIG_FILES: Readonly<Record<string, string>> = {
  prometheus_config: 'prometheus.yml',
  alertmanager_config: 'alertmanager.yml',
  grafana_datasource: 'grafana-datasource.yml',
};

function serviceLines(spec: ServiceSpec, image: string, local: boolean): string[] {
  const lines = [`  ${spec.name}:`, `    image: ${q(image)}`];
  if (spec.command) {
    lines.push(`    command: [${spec.command.map(q).join(', ')}]`);
  }
  if (spec.configs) {
    lines.push('    configs:');
    for (const c of spec.configs) {
      lines.push(`      - source: ${c.key}`, `        target: ${q(c.target)}`);
    }
  }
  if (spec.volumes) {
    lines.push('    volumes:', ...spec.volumes.map((v) => `      - ${q(v)}`));
  }
  lines.push('    networks: [mon]');
  if (spec.port !== undefined) {
    const mode = local || spec.hostPort ? 'host' : 'ingress';
    lines.push(
      '    ports:',
      `      - target: ${spec.port}`,
      `        published: ${spec.port}`,
      `        mode: ${mode}`,
    );
  }
  lines.push('    deploy:');
  lines.push(spec.global ? '      mode: global' : '      replicas: 1');
  if (local) {
    lines.push('      endpoint_mode: dnsrr');
  }
  if (spec.managers) {
    lines.push('      placement:', '        constraints: ["node.role == manager"]');
  }
  return lines;
}

/** The stack for these nodes in this environment, with the images the settings give. */
export function metricsStack(
  config: Pick<LabStepConfig, 'environment' | 'images'>,
  nodes: readonly MetricsNode[],
): MetricsStack {
  const local = config.environment === 'local-lab';
  const chosen = SERVICES.flatMap((spec) => {
    const image = labImage(config, spec.role);
    return image === undefined ? [] : [{ spec, image }];
  });
  const leftOut = SERVICES.filter((spec) => !chosen.some((c) => c.spec === spec)).map((s) => s.name);
  const has = (name: string): boolean => chosen.some((c) => c.spec.name === name);
  const prometheus = prometheusConfig(nodes, has('cadvisor'));
  const contents: Record<string, string> = {
    prometheus_config: prometheus,
    alertmanager_config: ALERTMANAGER_CONFIG,
    grafana_datasource: GRAFANA_DATASOURCE,
  };
  const usedKeys = [...new Set(chosen.flatMap((c) => (c.spec.configs ?? []).map((x) => x.key)))];
  const configNames = new Map(
    usedKeys.map((key) => [key, `${METRICS_STACK}_${key}_${contentHash(contents[key])}`] as const),
  );
  const compose = [
    '# Generated by Swarm Lab (section 9): the monitoring stack.',
    'version: "3.8"',
    'services:',
    ...chosen.flatMap((c) => serviceLines(c.spec, c.image, local)),
    'configs:',
    ...usedKeys.flatMap((key) => [
      `  ${key}:`,
      `    name: ${q(configNames.get(key)!)}`,
      `    file: ${q(`./${CONFIG_FILES[key]}`)}`,
    ]),
    'networks:',
    '  mon:',
    '    driver: overlay',
    '    attachable: true',
    'volumes:',
    ...chosen.flatMap((c) =>
      (c.spec.volumes ?? []).filter((v) => !v.startsWith('/')).map((v) => `  ${v.split(':')[0]}: {}`),
    ),
    '',
  ].join('\n');
  return {
    compose,
    prometheusConfig: prometheus,
    files: [
      { path: 'docker-compose.yml', content: compose },
      ...usedKeys.map((key) => ({ path: CONFIG_FILES[key], content: contents[key] })),
    ],
    services: new Map(chosen.map((c) => [c.spec.name, c.image])),
    configs: new Map(
      chosen.map((c) => [c.spec.name, (c.spec.configs ?? []).map((x) => configNames.get(x.key)!)] as const),
    ),
    leftOut,
    expected: expectedTargets(nodes),
  };
}
