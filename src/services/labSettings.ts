import * as vscode from 'vscode';
import { checkedLabImages, virtualIpProblem } from '../core/labSteps/checkedValues';
import type { LabSettings } from '../core/labRunner/ports';
import { notifyWarningOnce } from '../editor/notify';

export type { LabSettings } from '../core/labRunner/ports';

/**
 * The steps' settings. An image of swarmLab.images that is no image
 * reference (`$(…)`, `-o…`, a space) is refused by name, once, and the
 * lab's image is used for its role: it would reach `docker` otherwise.
 * A virtual IP that is no IPv4 address is refused the same way.
 */
export function labSettings(): LabSettings {
  const c = vscode.workspace.getConfiguration('swarmLab');
  const { images, problems } = checkedLabImages(c.get<unknown>('images', {}), vscode.l10n);
  const virtualIp = c.get<string>('virtualIp', '').trim();
  const badIp = virtualIpProblem(virtualIp, vscode.l10n);
  // Said once, not at each step or check.
  [...problems, ...(badIp ? [badIp] : [])].forEach(notifyWarningOnce);
  return {
    managers: c.get<number>('swarm.managers', 3),
    virtualIp: badIp ? '' : virtualIp,
    images,
  };
}
