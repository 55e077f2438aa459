import {
  KEEPALIVED_ENTRYPOINT_PATH,
  KEEPALIVED_ENTRYPOINT_SCRIPT,
  KEEPALIVED_RENDER_PATH,
  KEEPALIVED_RENDER_SCRIPT,
} from './keepalivedConfig';
import { KEEPALIVED_IMAGE, REDIS_IMAGE, REGISTRY_IMAGE } from '../../core/labSteps/labImages';

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

export const DEBIAN_SUITE = 'bookworm';
/** The Debian packages inside the base image (python-app, app-proxy and redis run on it). */
export const BASE_PACKAGES: readonly string[] = ['python3-flask', 'python3-redis', 'redis-server', 'nginx-light'];
export const BASE_IMAGE = `swarm-lab/debian-base:${DEBIAN_SUITE}`;
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

export function labImageSpecs(): LabImageSpec[] {
  return [
    {
      id: 'python-app',
      tags: ['python-app:latest', 'm1.swarm:5000/python-app:latest'],
      fromBase: true,
      sampleDir: 'python-app',
    },
    {
      id: 'app-proxy',
      tags: ['app-proxy:latest', 'm1.swarm:5000/app-proxy:latest'],
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
