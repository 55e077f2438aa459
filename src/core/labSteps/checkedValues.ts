/**
 * Values that come from settings or from files of the workspace and reach
 * a command line or a path: checked like the lab's own values before any
 * use, and refused with a message that names the setting or the file. They
 * are always quoted (shellQuote), so this is not about shell injection: an
 * image `$(…)`, a stack `../..` or an option `-o…` must simply never be
 * handed to docker or joined to a folder.
 */
import { parseImageReference } from '../images/imageReference';
import type { Localizer } from '../l10n';

/**
 * The `swarmLab.images` setting, each value read by the image reference
 * grammar (what Docker accepts, with no variable). Refused values are left
 * out (the lab's image is used for that role) and said, one line each.
 */
export function checkedLabImages(
  setting: unknown,
  l10n: Localizer,
): { readonly images: Record<string, string>; readonly problems: readonly string[] } {
  const images: Record<string, string> = {};
  const problems: string[] = [];
  if (setting === undefined || setting === null) {
    return { images, problems };
  }
  if (typeof setting !== 'object' || Array.isArray(setting)) {
    return { images, problems: [l10n.t('swarmLab.images must map roles to image names: the lab’s images are used.')] };
  }
  for (const [role, value] of Object.entries(setting as Record<string, unknown>)) {
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text === '') {
      continue;
    }
    const parsed = text === undefined ? undefined : parseImageReference(text, l10n);
    if (parsed?.ok) {
      images[role] = text!;
    } else {
      problems.push(
        l10n.t(
          'swarmLab.images.{0}: {1} The lab’s image is used for {0} instead.',
          role,
          parsed ? parsed.problem.message : l10n.t('an image name must be a string.'),
        ),
      );
    }
  }
  return { images, problems };
}

/** A stack, config or file name as Docker and a folder both take it: letters, digits, `_`, `.`, `-`, not `..`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Why `name` cannot name a stack (or a folder under the restore's), or undefined when it can. */
export function nameProblem(name: unknown, l10n: Localizer): string | undefined {
  if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) {
    return l10n.t(
      '"{0}" is not a valid name: letters, digits, "_", "." and "-" only, starting with a letter or a digit, without "..".',
      String(name),
    );
  }
  return undefined;
}

/** swarmLab.virtualIp: empty (the lab's own), or an IPv4 address; undefined when usable. */
export function virtualIpProblem(value: string, l10n: Localizer): string | undefined {
  const parts = value.split('.');
  const ipv4 = parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
  return value === '' || ipv4
    ? undefined
    : l10n.t('swarmLab.virtualIp: "{0}" is not an IPv4 address. The lab’s own virtual IP is used instead.', value);
}
