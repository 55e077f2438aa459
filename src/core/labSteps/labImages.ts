/**
 * The images the lab's steps run, by role. On VMs, the lab's own images
 * (pulled, or loaded from a teacher's archives). In the local lab, where no
 * registry can be reached, a Debian-built substitute under a name of its
 * own: a substitute never carries the original image's name, so evidence
 * and `docker image ls` say what really runs. The `swarmLab.images` setting
 * replaces either, by role.
 */
import type { LabStepConfig } from './labConfig';

/** The Debian release of the local lab's base image. */
export const LOCAL_LAB_DEBIAN_SUITE = 'bookworm';
/**
 * The local lab's Debian base, made with debootstrap from this computer's
 * packages and loaded on every node by Start Local Lab: the sample
 * project's Dockerfiles build FROM it, since the local lab pulls nothing.
 */
export const LOCAL_LAB_BASE_IMAGE = `swarm-lab/debian-base:${LOCAL_LAB_DEBIAN_SUITE}`;

export interface LabImageRole {
  /** The key in the `swarmLab.images` setting. */
  readonly role: string;
  /** The lab's image. */
  readonly lab: string;
  /** The local lab's Debian-built stand-in; none when the local lab has no equivalent. */
  readonly substitute?: string;
}

export const REGISTRY_IMAGE: LabImageRole = {
  role: 'registry',
  lab: 'registry:2',
  substitute: 'swarm-lab/registry-debian:2',
};
export const KEEPALIVED_IMAGE: LabImageRole = {
  role: 'keepalived',
  lab: 'osixia/keepalived:2.0.10',
  substitute: 'swarm-lab/keepalived-debian:2.0.10',
};
/** Weave Scope (section 4): no Debian equivalent, so no substitute; the real image can be loaded from an archive. */
export const SCOPE_IMAGE: LabImageRole = { role: 'scope', lab: 'weaveworks/scope:1.13.2' };
/**
 * Section 5's Ceph daemons. Luminous: the last release whose image prepares
 * an OSD from a raw disk with `OSD_DEVICE`, as the lab does. No Debian
 * substitute: the local lab has no data disk, its storage is GlusterFS.
 */
export const CEPH_IMAGE: LabImageRole = { role: 'ceph', lab: 'ceph/daemon:latest-luminous' };
/** The compose file's `database` service (`image: redis`). */
export const REDIS_IMAGE: LabImageRole = { role: 'redis', lab: 'redis', substitute: 'swarm-lab/redis-debian:latest' };

/**
 * Section 9's monitoring stack. The lab's swarmprom images bake their
 * configuration in; the stack uses the upstream images instead, with the
 * configuration it generates given as swarm configs. Prometheus, node
 * exporter and Alertmanager have Debian-built substitutes (same versions as
 * Debian 12 ships); Grafana and cAdvisor have none, so the local lab's
 * stack goes without them unless the setting names an image.
 */
export const PROMETHEUS_IMAGE: LabImageRole = {
  role: 'prometheus',
  lab: 'prom/prometheus:v2.42.0',
  substitute: 'swarm-lab/prometheus-debian:2.42.0',
};
export const NODE_EXPORTER_IMAGE: LabImageRole = {
  role: 'node-exporter',
  lab: 'prom/node-exporter:v1.5.0',
  substitute: 'swarm-lab/node-exporter-debian:1.5.0',
};
export const ALERTMANAGER_IMAGE: LabImageRole = {
  role: 'alertmanager',
  lab: 'prom/alertmanager:v0.25.0',
  substitute: 'swarm-lab/alertmanager-debian:0.25.0',
};
export const CADVISOR_IMAGE: LabImageRole = { role: 'cadvisor', lab: 'gcr.io/cadvisor/cadvisor:v0.47.0' };
export const GRAFANA_IMAGE: LabImageRole = { role: 'grafana', lab: 'grafana/grafana:9.5.2' };
export const METRICS_IMAGES: readonly LabImageRole[] = [
  PROMETHEUS_IMAGE,
  NODE_EXPORTER_IMAGE,
  ALERTMANAGER_IMAGE,
  CADVISOR_IMAGE,
  GRAFANA_IMAGE,
];

/**
 * Sections 10–12's reverse proxy. Traefik is not in Debian: the local lab
 * runs Caddy from Debian in its place (its own configuration, proxyFiles.ts).
 */
export const TRAEFIK_IMAGE: LabImageRole = {
  role: 'traefik',
  lab: 'traefik:v2.11',
  substitute: 'swarm-lab/caddy-debian:2.6',
};

/** The setting's word for "no image for this role": what needs it is left out, with the reason. */
export const NO_IMAGE = 'none';

/**
 * The image a step runs for `role`: the setting, else the environment's
 * default; undefined when there is none here, or when the setting says
 * `none` (a VM lab that cannot pull Grafana leaves it out, as the local lab does).
 */
export function labImage(
  config: Pick<LabStepConfig, 'environment' | 'images'>,
  role: LabImageRole,
): string | undefined {
  const chosen = config.images?.[role.role]?.trim();
  if (chosen?.toLowerCase() === NO_IMAGE) {
    return undefined;
  }
  if (chosen) {
    return chosen;
  }
  return config.environment === 'local-lab' ? role.substitute : role.lab;
}

/** Whether `image` is a Debian-built stand-in (evidence says so). */
export function isSubstitute(image: string, roles: readonly LabImageRole[]): boolean {
  return roles.some((r) => r.substitute === image);
}

/** Every role the swarmLab.images setting knows (Harbor's images are its installer's). */
export const IMAGE_ROLES: readonly LabImageRole[] = [
  REGISTRY_IMAGE,
  KEEPALIVED_IMAGE,
  SCOPE_IMAGE,
  CEPH_IMAGE,
  REDIS_IMAGE,
  ...METRICS_IMAGES,
  TRAEFIK_IMAGE,
];

/**
 * The swarmLab.images value for VMs that can pull nothing (the VM lab
 * built here, a classroom without Internet): each role's Debian-built
 * stand-in, loaded with the lab's images, and `none` where there is no
 * stand-in (Scope, Ceph, Grafana, cAdvisor), so what needs it is left out
 * with its reason instead of failing on a pull.
 */
export function offlineImages(): Record<string, string> {
  return Object.fromEntries(IMAGE_ROLES.map((r) => [r.role, r.substitute ?? NO_IMAGE]));
}
