import type { LabSettings } from '../../../core/labRunner/ports';
import { settings } from '../../../editor/settings';

export type { LabSettings } from '../../../core/labRunner/ports';

/**
 * The steps' settings. An image of swarmLab.images that is no image
 * reference (`$(…)`, `-o…`, a space) is refused by name, once, and the
 * lab's image is used for its role: it would reach `docker` otherwise.
 * A virtual IP that is no IPv4 address is refused the same way
 * (editor/settings).
 */
export function labSettings(): LabSettings {
  const s = settings();
  const images = s.images();
  return {
    managers: s.managers(),
    virtualIp: s.virtualIp(),
    images,
  };
}
