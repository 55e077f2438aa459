import * as path from 'node:path';
import { english, type Localizer } from '../l10n';

/**
 * A path setting (`swarmLab.labPath`, `swarmLab.knownHostsFile`) as a file
 * path, and whether it may be used. The rule is about who wrote the value:
 * a workspace's settings come with the folder (a classmate's repository, an
 * archive from the web), so a path they give must stay inside that folder —
 * else a workspace could have Swarm Lab append host keys to `~/.bashrc` or
 * read a "lab" from anywhere. The user's own settings may point anywhere.
 * Relative paths are read from the workspace folder, `~` from home.
 */
export interface SettingPathInput {
  /** The setting's full name, for the message. */
  readonly key: string;
  readonly value: string;
  /** Where the value in force was written. */
  readonly scope: 'user' | 'workspace';
  /** The first workspace folder, when one is open. */
  readonly folder: string | undefined;
  readonly home: string;
}

export type SettingPath = { readonly path: string } | { readonly problem: string };

export function resolveSettingPath(input: SettingPathInput, l10n: Localizer = english): SettingPath {
  const value = input.value.trim();
  const expanded = value === '~' || value.startsWith('~/') ? input.home + value.slice(1) : value;
  const absolute = path.isAbsolute(expanded);
  if (!absolute && input.folder === undefined) {
    return {
      problem: l10n.t('{0}: "{1}" is relative, and no folder is open to read it from.', input.key, value),
    };
  }
  const resolved = absolute ? path.normalize(expanded) : path.resolve(input.folder!, expanded);
  if (input.scope === 'workspace') {
    const inside =
      input.folder !== undefined && (resolved === input.folder || resolved.startsWith(input.folder + path.sep));
    if (!inside) {
      return {
        problem: l10n.t(
          '{0}: "{1}", from the workspace’s settings, leaves the workspace folder; set it in your user settings if you mean it.',
          input.key,
          value,
        ),
      };
    }
  }
  return { path: resolved };
}
