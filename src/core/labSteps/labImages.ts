/**
 * The images the lab's steps run, by role. On VMs, the lab's own images
 * (pulled, or loaded from a teacher's archives). In the local lab, where no
 * registry can be reached, a Debian-built substitute under a name of its
 * own: a substitute never carries the original image's name, so evidence
 * and `docker image ls` say what really runs. The `swarmLab.images` setting
 * replaces either, by role.
 */
import type { LabStepConfig } from './labConfig';

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
/**
 * Section 5's Ceph daemons. Luminous: the last release whose image prepares
 * an OSD from a raw disk with `OSD_DEVICE`, as the lab does. No Debian
 * substitute: the local lab has no data disk, its storage is GlusterFS.
 */
export const CEPH_IMAGE: LabImageRole = { role: 'ceph', lab: 'ceph/daemon:latest-luminous' };
/** The compose file's `database` service (`image: redis`). */
export const REDIS_IMAGE: LabImageRole = { role: 'redis', lab: 'redis', substitute: 'swarm-lab/redis-debian:latest' };

/** The image a step runs for `role`: the setting, else the environment's default; undefined when there is none here. */
export function labImage(
  config: Pick<LabStepConfig, 'environment' | 'images'>,
  role: LabImageRole,
): string | undefined {
  const chosen = config.images?.[role.role]?.trim();
  if (chosen) {
    return chosen;
  }
  return config.environment === 'local-lab' ? role.substitute : role.lab;
}

/** Whether `image` is a Debian-built stand-in (evidence says so). */
export function isSubstitute(image: string, roles: readonly LabImageRole[]): boolean {
  return roles.some((r) => r.substitute === image);
}
