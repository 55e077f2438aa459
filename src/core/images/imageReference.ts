/**
 * Docker image references, read the way the Docker CLI and Compose read them
 * (distribution/reference, ParseNormalizedNamed), but kept as written so that
 * a compose file can be rewritten without touching what the user typed.
 */
import { english, Localizer } from '../l10n';

/** A reference as written: `formatImageReference` gives the same text back. */
export interface ImageReference {
  /** Registry host with its optional port, as written; absent when Docker Hub is implied. */
  readonly domain?: string;
  /** Repository path below the registry, e.g. `python-app` or `grafana/grafana`. */
  readonly path: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  readonly digest?: string;
}

export type ReferenceProblemCode =
  | 'empty'
  | 'interpolation'
  | 'whitespace'
  | 'identifier'
  | 'invalid-domain'
  | 'uppercase'
  | 'invalid-path'
  | 'invalid-tag'
  | 'invalid-digest'
  | 'unsupported-digest'
  | 'too-long'
  | 'invalid-registry'
  | 'digest-pinned'
  | 'other-registry'
  | 'ambiguous-local';

export interface ReferenceProblem {
  readonly code: ReferenceProblemCode;
  readonly message: string;
  /** The offending part, as an offset and length in the reference's text. */
  readonly start: number;
  readonly length: number;
}

export type ReferenceResult =
  | { readonly ok: true; readonly ref: ImageReference; readonly text: string }
  | { readonly ok: false; readonly problem: ReferenceProblem };

export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** Docker's limit applies to the repository path once Hub's `library/` is added. */
const MAX_PATH_LENGTH = 255;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** go-digest only accepts the algorithms it can verify, with lowercase hex of their exact size. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export function problem(code: ReferenceProblemCode, message: string, start: number, end: number): ReferenceResult {
  return { ok: false, problem: { code, message, start, length: Math.max(0, end - start) } };
}

/**
 * Docker decides that the first component names a registry only from its
 * shape, never by resolving it: `m1.swarm:5000/app` is a registry, `lab/app`
 * a Docker Hub namespace.
 */
export function looksLikeDomain(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}

export function formatImageReference(ref: ImageReference): string {
  return (
    (ref.domain !== undefined ? `${ref.domain}/` : '') +
    ref.path +
    (ref.tag !== undefined ? `:${ref.tag}` : '') +
    (ref.digest !== undefined ? `@${ref.digest}` : '')
  );
}

export function parseImageReference(text: string, l10n: Localizer = english): ReferenceResult {
  const end = text.length;
  if (text === '') {
    return problem('empty', l10n.t('The image reference is empty.'), 0, 0);
  }
  // Compose substitutes `$VAR`, `${VAR}` and `${VAR:-default}` before Docker
  // reads the name: the real value is only known at deployment. (`$$` is an
  // escaped `$`, which the checks below then reject as it stands.)
  const dollar = text.search(/(?<!\$)\$(?:\$\$)*(?!\$)/);
  if (dollar >= 0) {
    return problem(
      'interpolation',
      l10n.t('{0} uses variable interpolation: its value is only known when the stack is deployed.', text),
      dollar,
      end,
    );
  }
  const space = text.search(/\s/);
  if (space >= 0) {
    // JSON quoting shows a tab or a line break as \t or \n.
    return problem(
      'whitespace',
      l10n.t('The image reference {0} contains white space.', JSON.stringify(text)),
      space,
      space + 1,
    );
  }
  if (IDENTIFIER.test(text)) {
    return problem(
      'identifier',
      l10n.t('{0} is an image ID, not a reference: Docker refuses 64-digit hexadecimal repository names.', text),
      0,
      end,
    );
  }

  let nameAndTag = text;
  let digest: string | undefined;
  const at = text.indexOf('@');
  if (at >= 0) {
    nameAndTag = text.slice(0, at);
    digest = text.slice(at + 1);
    const bad = digestProblem(digest, at + 1, l10n);
    if (bad) {
      return bad;
    }
  }

  let name = nameAndTag;
  let tag: string | undefined;
  // A colon after the last slash starts the tag; before it, it is a port.
  const colon = nameAndTag.lastIndexOf(':');
  if (colon > nameAndTag.lastIndexOf('/')) {
    name = nameAndTag.slice(0, colon);
    tag = nameAndTag.slice(colon + 1);
    if (!TAG.test(tag)) {
      return problem(
        'invalid-tag',
        l10n.t('Invalid tag "{0}": up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".', tag),
        colon + 1,
        colon + 1 + tag.length,
      );
    }
  }

  let domain: string | undefined;
  let path = name;
  let pathStart = 0;
  const slash = name.indexOf('/');
  if (slash >= 0 && looksLikeDomain(name.slice(0, slash))) {
    domain = name.slice(0, slash);
    path = name.slice(slash + 1);
    pathStart = slash + 1;
    if (!DOMAIN.test(domain)) {
      return problem('invalid-domain', invalidDomainMessage(domain, l10n), 0, slash);
    }
  }

  const pathProblem = checkPath(path, pathStart, l10n);
  if (pathProblem) {
    return pathProblem;
  }
  const fullPath = normalizedPath(domain, path);
  if (fullPath.length > MAX_PATH_LENGTH) {
    return problem(
      'too-long',
      l10n.t('The repository name {0} is {1} characters long; Docker allows at most 255.', fullPath, fullPath.length),
      pathStart,
      pathStart + path.length,
    );
  }

  const ref: ImageReference = {
    ...(domain !== undefined ? { domain } : {}),
    path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
  return { ok: true, ref, text };
}

/** Whether `host` has the grammar of a registry host (name, IPv4 or [IPv6], optional port). */
export function isHostSyntax(host: string): boolean {
  return DOMAIN.test(host);
}

export function invalidDomainMessage(domain: string, l10n: Localizer): string {
  return l10n.t(
    'Invalid registry host "{0}": expected a host name, an IPv4 address or an IPv6 address in brackets, with an optional numeric port.',
    domain,
  );
}

function checkPath(path: string, start: number, l10n: Localizer): ReferenceResult | undefined {
  if (path === '') {
    return problem('empty', l10n.t('The image reference has no repository name.'), start, start);
  }
  if (path !== path.toLowerCase()) {
    return problem(
      'uppercase',
      l10n.t('The repository name "{0}" must be lowercase.', path),
      start,
      start + path.length,
    );
  }
  let offset = start;
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      return problem(
        'invalid-path',
        l10n.t(
          'Invalid repository name "{0}": each part between slashes is lowercase letters and digits, joined by ".", "_", "__" or dashes.',
          path,
        ),
        offset,
        offset + component.length,
      );
    }
    offset += component.length + 1;
  }
  return undefined;
}

function digestProblem(digest: string, start: number, l10n: Localizer): ReferenceResult | undefined {
  const end = start + digest.length;
  if (!DIGEST.test(digest)) {
    return problem(
      'invalid-digest',
      l10n.t('Invalid digest "{0}": expected an algorithm, a colon and hexadecimal digits, e.g. sha256:…', digest),
      start,
      end,
    );
  }
  const [algorithm, hex] = digest.split(':');
  const size = DIGEST_HEX_LENGTH[algorithm];
  if (size === undefined) {
    return problem(
      'unsupported-digest',
      l10n.t('Unsupported digest algorithm "{0}": Docker knows sha256, sha384 and sha512.', algorithm),
      start,
      start + algorithm.length,
    );
  }
  if (hex.length !== size || !/^[a-f0-9]+$/.test(hex)) {
    return problem(
      'invalid-digest',
      l10n.t('Invalid digest "{0}": {1} takes exactly {2} lowercase hexadecimal digits.', digest, algorithm, size),
      start,
      end,
    );
  }
  return undefined;
}

function normalizedDomain(domain: string | undefined): string {
  return domain === undefined || domain === LEGACY_DOCKER_HUB ? DOCKER_HUB : domain;
}

function normalizedPath(domain: string | undefined, path: string): string {
  return normalizedDomain(domain) === DOCKER_HUB && !path.includes('/') ? OFFICIAL_PREFIX + path : path;
}

/**
 * The fully qualified reference Docker resolves, e.g. `redis` →
 * `docker.io/library/redis:latest`; a digest-only reference gets no tag.
 */
export function normalizeImageReference(ref: ImageReference): ImageReference {
  const tag = ref.tag ?? (ref.digest === undefined ? DEFAULT_TAG : undefined);
  return {
    domain: normalizedDomain(ref.domain),
    path: normalizedPath(ref.domain, ref.path),
    ...(tag !== undefined ? { tag } : {}),
    ...(ref.digest !== undefined ? { digest: ref.digest } : {}),
  };
}
