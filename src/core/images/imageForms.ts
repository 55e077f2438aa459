/**
 * The lab's two forms of an image: local (`python-app:latest`, built on each
 * node) and registry (`m1.swarm:5000/python-app:latest`, pulled from the lab
 * registry), and the moves between them.
 */
import { english, Localizer } from '../l10n';
import {
  formatImageReference,
  ImageReference,
  invalidDomainMessage,
  isHostSyntax,
  looksLikeDomain,
  parseImageReference,
  problem,
  ReferenceProblem,
  ReferenceResult,
} from './imageReference';

/** Where a reference stands relative to the lab registry. */
export type ImageForm = 'local' | 'registry' | 'other';

/**
 * Checks a registry host such as `m1.swarm:5000` before references are moved
 * to it: a host Docker would read as a Docker Hub namespace (`registry/app`)
 * would silently send the images to the wrong place.
 */
export function checkRegistryHost(registry: string, l10n: Localizer = english): ReferenceProblem | undefined {
  if (!isHostSyntax(registry)) {
    return {
      code: 'invalid-registry',
      message: invalidDomainMessage(registry, l10n),
      start: 0,
      length: registry.length,
    };
  }
  if (!looksLikeDomain(registry)) {
    return {
      code: 'invalid-registry',
      message: l10n.t(
        'Docker would read "{0}" as a Docker Hub namespace, not a registry: give its port or a name with a dot, e.g. {0}:5000.',
        registry,
      ),
      start: 0,
      length: registry.length,
    };
  }
  return undefined;
}

/** Host names are case-insensitive; ports and brackets are compared as written. */
function sameRegistry(domain: string | undefined, registry: string): boolean {
  return domain !== undefined && domain.toLowerCase() === registry.toLowerCase();
}

export interface FormOptions {
  /**
   * The image is the lab's own: a compose service builds it, or it is known
   * to be in the lab registry. Without this, a reference with no registry
   * host (`traefik:v2`) is a Docker Hub image, which has no local form.
   */
  readonly ownImage?: boolean;
}

/**
 * `registry` when the reference names the lab registry, `local` for the
 * lab's own images without a registry host, `other` for Docker Hub and other
 * registries (those are never switched).
 */
export function formOf(ref: ImageReference, registry: string, options: FormOptions = {}): ImageForm {
  if (sameRegistry(ref.domain, registry)) {
    return 'registry';
  }
  return ref.domain === undefined && options.ownImage === true ? 'local' : 'other';
}

function whole(ref: ImageReference): [number, number] {
  return [0, formatImageReference(ref).length];
}

/** Refusals shared by both directions; undefined when the reference may move. */
function cannotMove(ref: ImageReference, registry: string, l10n: Localizer): ReferenceResult | undefined {
  const text = formatImageReference(ref);
  const bad = checkRegistryHost(registry, l10n);
  if (bad) {
    return { ok: false, problem: bad };
  }
  if (ref.digest !== undefined) {
    // A digest names one manifest as pushed to one repository: the same
    // digest under another name points to nothing Docker can find.
    return problem(
      'digest-pinned',
      l10n.t(
        '{0} is pinned by a digest, which only holds in the registry it was pushed to: remove the digest first.',
        text,
      ),
      ...whole(ref),
    );
  }
  if (ref.domain !== undefined && !sameRegistry(ref.domain, registry)) {
    return problem(
      'other-registry',
      l10n.t('{0} is in another registry ({1}): only images of {2} are switched.', text, ref.domain, registry),
      0,
      ref.domain.length,
    );
  }
  return undefined;
}

/**
 * `python-app:latest` → `m1.swarm:5000/python-app:latest`; a reference
 * already in the registry is returned unchanged. Whether a reference without
 * a host is the lab's own is the caller's call (see `formOf`).
 */
export function toRegistryForm(ref: ImageReference, registry: string, l10n: Localizer = english): ReferenceResult {
  const refused = cannotMove(ref, registry, l10n);
  if (refused) {
    return refused;
  }
  const moved: ImageReference = { ...ref, domain: ref.domain ?? registry };
  return parseImageReference(formatImageReference(moved), l10n);
}

/** `m1.swarm:5000/python-app:latest` → `python-app:latest`; a local reference is returned unchanged. */
export function toLocalForm(ref: ImageReference, registry: string, l10n: Localizer = english): ReferenceResult {
  const refused = cannotMove(ref, registry, l10n);
  if (refused) {
    return refused;
  }
  const local = formatImageReference({ ...ref, domain: undefined });
  const reread = parseImageReference(local, l10n);
  if (reread.ok && reread.ref.domain !== undefined) {
    // `m1.swarm:5000/my.org/app` without its host reads as registry `my.org`.
    return problem(
      'ambiguous-local',
      l10n.t('Without its registry, {0} would be read as an image of the registry {1}.', local, reread.ref.domain),
      ...whole(ref),
    );
  }
  return reread;
}
