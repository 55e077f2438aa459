import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  KEEPALIVED_ENTRYPOINT_PATH,
  KEEPALIVED_ENTRYPOINT_SCRIPT,
  KEEPALIVED_RENDER_PATH,
  KEEPALIVED_RENDER_SCRIPT,
} from './keepalivedConfig';
import {
  ALERTMANAGER_IMAGE,
  KEEPALIVED_IMAGE,
  LOCAL_LAB_BASE_IMAGE,
  LOCAL_LAB_DEBIAN_SUITE,
  NODE_EXPORTER_IMAGE,
  PROMETHEUS_IMAGE,
  REDIS_IMAGE,
  REGISTRY_IMAGE,
  TRAEFIK_IMAGE,
} from '../../core/labSteps/labImages';
import { LAB_REGISTRY } from '../../core/labSteps/labConfig';
import { ALERTMANAGER_CONFIG } from '../../core/labSteps/metricsStack';

/** A shell for the lab's one-off containers (`docker run --rm … sh`), from Debian's busybox-static. */
export const BUSYBOX_SUBSTITUTE = 'swarm-lab/busybox-debian:latest';

/**
 * What every lab image is. The sample project's own images keep the names
 * its compose file uses (`python-app:latest`, `m1.swarm:5000/python-app:latest`),
 * so they are already on every node and nothing is pulled. The images the
 * lab pulls from Docker Hub (`registry:2`, `osixia/keepalived:2.0.10`,
 * `redis`, `busybox`) are Debian-built stand-ins here: they carry names of
 * their own (`swarm-lab/<name>-debian`, the substitutes of
 * core/labSteps/labImages.ts), never the original's, so `docker image ls`
 * and the report's evidence say what really runs.
 */

export const DEBIAN_SUITE = LOCAL_LAB_DEBIAN_SUITE;
/** The Debian packages inside the base image (python-app, app-proxy and redis run on it). */
export const BASE_PACKAGES: readonly string[] = ['python3-flask', 'python3-redis', 'redis-server', 'nginx-light'];
/** Named in core/ (the stack's steps check it is on the nodes before building FROM it). */
export const BASE_IMAGE = LOCAL_LAB_BASE_IMAGE;
/** Settings a `docker import` leaves empty and a Dockerfile's FROM would normally bring. */
export const BASE_IMAGE_CHANGES: readonly string[] = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'CMD ["bash"]',
];

/** A file of a generated build context. */
export type ContextFile =
  | { readonly dest: string; readonly text: string; readonly mode?: number }
  /** A binary of this machine's Debian package, copied with every library `ldd` lists, at the same paths. */
  | { readonly binary: string; readonly dest?: string };

export interface LabImageSpec {
  /** Short name for logs. */
  readonly id: string;
  /** The first is the build tag; the others are tagged to the same image ID. */
  readonly tags: readonly string[];
  /** FROM the Debian base (imported before any such build). */
  readonly fromBase: boolean;
  /** Built from a folder of the sample project (its own Dockerfile) … */
  readonly sampleDir?: string;
  /** … or from a generated context. */
  readonly dockerfile?: string;
  readonly files?: readonly ContextFile[];
  /** Host Debian packages the context copies binaries from (their versions enter the cache key). */
  readonly hostPackages?: readonly string[];
}

const PROMETHEUS_WEB_DIR = '/usr/share/prometheus/web';

/**
 * Every file under a folder of an installed package, copied as is (as a
 * `binary` entry: `ldd` finds no libraries in a data file). None when the
 * package is missing: the build then stops at its binary with the package
 * to install.
 */
function packageDataFiles(dir: string): ContextFile[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const files: ContextFile[] = [];
  const walk = (folder: string): void => {
    for (const name of fs.readdirSync(folder).sort()) {
      const full = path.posix.join(folder, name);
      // Followed: Debian links the JavaScript libraries in from their own packages.
      const stat = fs.statSync(full, { throwIfNoEntry: false });
      if (stat?.isDirectory()) {
        walk(full);
      } else if (stat?.isFile()) {
        files.push({ binary: full });
      }
    }
  };
  walk(dir);
  return files;
}

const BUSYBOX_FILES: readonly ContextFile[] = [{ binary: '/bin/busybox' }];
/** Makes busybox's applets (sh, ls, wget, …) plus the folders daemons expect in a scratch image. */
const BUSYBOX_INSTALL = 'RUN ["/bin/busybox", "--install", "-s", "/bin"]';

/** The registry's config, adapted from the one in Debian's docker-registry package: no auth, the official image's paths. */
export const REGISTRY_CONFIG = `version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
`;

const MINIMAL_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const MINIMAL_GROUP = 'root:x:0:\nnogroup:x:65534:\n';
/** What the Prometheus image scrapes when run alone: itself (the lab's stack gives its own configuration). */
const PROMETHEUS_SELF_CONFIG = `global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090']
`;

/** The image's own config until the lab mounts its Caddyfile: says what it is, on port 80. */
const CADDY_PLACEHOLDER =
  ':80 {\n\trespond "swarm-lab/caddy-debian: Caddy from Debian, the local lab\'s stand-in for Traefik" 200\n}\n';

export function labImageSpecs(): LabImageSpec[] {
  return [
    {
      id: 'python-app',
      tags: ['python-app:latest', `${LAB_REGISTRY}/python-app:latest`],
      fromBase: true,
      sampleDir: 'python-app',
    },
    {
      id: 'app-proxy',
      tags: ['app-proxy:latest', `${LAB_REGISTRY}/app-proxy:latest`],
      fromBase: true,
      sampleDir: 'proxy',
    },
    {
      id: 'redis',
      tags: [REDIS_IMAGE.substitute!],
      fromBase: true,
      // The compose file's `database` service: reachable from the other
      // containers (protected mode off, every address), in the foreground.
      dockerfile: [
        `FROM ${BASE_IMAGE}`,
        'WORKDIR /data',
        'EXPOSE 6379',
        'CMD ["redis-server", "--protected-mode", "no", "--bind", "0.0.0.0", "--dir", "/data"]',
        '',
      ].join('\n'),
    },
    {
      id: 'registry',
      tags: [REGISTRY_IMAGE.substitute!],
      fromBase: false,
      hostPackages: ['docker-registry'],
      dockerfile: [
        'FROM scratch',
        'COPY rootfs/ /',
        'VOLUME ["/var/lib/registry"]',
        'EXPOSE 5000',
        'ENTRYPOINT ["/usr/bin/docker-registry"]',
        'CMD ["serve", "/etc/docker/registry/config.yml"]',
        '',
      ].join('\n'),
      files: [
        { binary: '/usr/bin/docker-registry' },
        { dest: 'etc/docker/registry/config.yml', text: REGISTRY_CONFIG },
        { dest: 'var/lib/registry/.keep', text: '' },
      ],
    },
    {
      id: 'keepalived',
      tags: [KEEPALIVED_IMAGE.substitute!],
      fromBase: false,
      hostPackages: ['keepalived', 'busybox-static'],
      dockerfile: [
        'FROM scratch',
        'COPY rootfs/ /',
        BUSYBOX_INSTALL,
        'RUN ["/bin/sh", "-c", "mkdir -p /run /tmp /var/run /etc/keepalived && chmod 1777 /tmp"]',
        `ENTRYPOINT ["${KEEPALIVED_ENTRYPOINT_PATH}"]`,
        '',
      ].join('\n'),
      files: [
        ...BUSYBOX_FILES,
        { binary: '/usr/sbin/keepalived' },
        { dest: KEEPALIVED_RENDER_PATH.slice(1), text: KEEPALIVED_RENDER_SCRIPT, mode: 0o755 },
        { dest: KEEPALIVED_ENTRYPOINT_PATH.slice(1), text: KEEPALIVED_ENTRYPOINT_SCRIPT, mode: 0o755 },
        { dest: 'etc/passwd', text: MINIMAL_PASSWD },
        { dest: 'etc/group', text: MINIMAL_GROUP },
      ],
    },
    // Section 9's monitoring stack, from Debian's Go binaries (they need only
    // libc). Named as substitutes, never as prom/*: evidence says what runs.
    // The stack's compose file gives the flags; these CMDs only make the
    // images usable alone.
    {
      id: 'prometheus',
      tags: [PROMETHEUS_IMAGE.substitute!],
      fromBase: false,
      hostPackages: ['prometheus'],
      dockerfile: [
        'FROM scratch',
        'COPY rootfs/ /',
        'VOLUME ["/prometheus"]',
        'EXPOSE 9090',
        'ENTRYPOINT ["/usr/bin/prometheus"]',
        'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]',
        '',
      ].join('\n'),
      files: [
        { binary: '/usr/bin/prometheus' },
        // Debian's build serves its web pages from the package's files, not from the binary.
        ...packageDataFiles(PROMETHEUS_WEB_DIR),
        { dest: 'etc/prometheus/prometheus.yml', text: PROMETHEUS_SELF_CONFIG },
        { dest: 'prometheus/.keep', text: '' },
        { dest: 'etc/passwd', text: MINIMAL_PASSWD },
        { dest: 'etc/group', text: MINIMAL_GROUP },
      ],
    },
    {
      id: 'node-exporter',
      tags: [NODE_EXPORTER_IMAGE.substitute!],
      fromBase: false,
      hostPackages: ['prometheus-node-exporter'],
      dockerfile: [
        'FROM scratch',
        'COPY rootfs/ /',
        'EXPOSE 9100',
        'ENTRYPOINT ["/usr/bin/prometheus-node-exporter"]',
        '',
      ].join('\n'),
      files: [
        { binary: '/usr/bin/prometheus-node-exporter' },
        { dest: 'etc/passwd', text: MINIMAL_PASSWD },
        { dest: 'etc/group', text: MINIMAL_GROUP },
      ],
    },
    {
      id: 'alertmanager',
      tags: [ALERTMANAGER_IMAGE.substitute!],
      fromBase: false,
      hostPackages: ['prometheus-alertmanager'],
      dockerfile: [
        'FROM scratch',
        'COPY rootfs/ /',
        'VOLUME ["/alertmanager"]',
        'EXPOSE 9093',
        'ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]',
        'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address="]',
        '',
      ].join('\n'),
      files: [
        { binary: '/usr/bin/prometheus-alertmanager' },
        // Without its default notification templates Debian's Alertmanager refuses any configuration.
        { binary: '/usr/share/prometheus/alertmanager/default.tmpl' },
        { binary: '/usr/share/prometheus/alertmanager/email.tmpl' },
        { dest: 'etc/alertmanager/alertmanager.yml', text: ALERTMANAGER_CONFIG },
        { dest: 'alertmanager/.keep', text: '' },
        { dest: 'etc/passwd', text: MINIMAL_PASSWD },
        { dest: 'etc/group', text: MINIMAL_GROUP },
      ],
    },
    {
      // Sections 10–12: Caddy from Debian stands in for Traefik (not in
      // Debian, and no image can be pulled here), under a name of its own.
      id: 'caddy',
      tags: [TRAEFIK_IMAGE.substitute!],
      fromBase: false,
      hostPackages: ['caddy'],
      dockerfile: [
        'FROM scratch',
        'COPY rootfs/ /',
        'ENV XDG_CONFIG_HOME=/var/lib/caddy/config XDG_DATA_HOME=/var/lib/caddy/data HOME=/var/lib/caddy',
        'EXPOSE 80 443',
        'ENTRYPOINT ["/usr/bin/caddy"]',
        'CMD ["run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]',
        '',
      ].join('\n'),
      files: [
        { binary: '/usr/bin/caddy' },
        { dest: 'etc/caddy/Caddyfile', text: CADDY_PLACEHOLDER },
        { dest: 'var/lib/caddy/config/.keep', text: '' },
        { dest: 'var/lib/caddy/data/.keep', text: '' },
        { dest: 'tmp/.keep', text: '' },
        { dest: 'etc/passwd', text: MINIMAL_PASSWD },
        { dest: 'etc/group', text: MINIMAL_GROUP },
      ],
    },
    {
      id: 'busybox',
      tags: [BUSYBOX_SUBSTITUTE],
      fromBase: false,
      hostPackages: ['busybox-static'],
      dockerfile: ['FROM scratch', 'COPY rootfs/ /', BUSYBOX_INSTALL, 'CMD ["sh"]', ''].join('\n'),
      files: BUSYBOX_FILES,
    },
  ];
}

/** Every image name the cache tarball holds, the base included (students can build FROM it offline). */
export function labImageNames(specs: readonly LabImageSpec[] = labImageSpecs()): string[] {
  return [BASE_IMAGE, ...specs.flatMap((s) => s.tags)];
}

/** The host's Debian packages the images copy binaries from, each with the images that copy it, by name. */
export function hostPackageImages(specs: readonly LabImageSpec[] = labImageSpecs()): Map<string, string[]> {
  const images = new Map<string, string[]>();
  for (const spec of specs) {
    for (const pkg of spec.hostPackages ?? []) {
      images.set(pkg, [...(images.get(pkg) ?? []), spec.tags[0]]);
    }
  }
  return new Map([...images].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The host's Debian packages the images copy binaries from, sorted. */
export function hostPackages(specs: readonly LabImageSpec[] = labImageSpecs()): string[] {
  return [...hostPackageImages(specs).keys()];
}
