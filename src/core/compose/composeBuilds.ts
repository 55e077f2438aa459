/**
 * What a service's `build:` asks for (context folder, Dockerfile, build
 * arguments, target), read the way Compose reads it: `build: ./dir` or a
 * mapping, aliases and merge keys resolved. Paths stay relative to the
 * compose file's folder: joining them is the caller's, which knows where the
 * file is.
 */
import { english, Localizer } from '../l10n';
import { loadYaml, parseCompose, YamlModule } from './composeYaml';

export interface ServiceBuild {
  /** The context folder as written (`./python-app`), `.` when only a mapping without `context` is given. */
  readonly context: string;
  readonly dockerfile?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
}

export type BuildResult =
  { readonly ok: true; readonly build: ServiceBuild } | { readonly ok: false; readonly message: string };

export async function composeBuild(text: string, service: string, l10n: Localizer = english): Promise<BuildResult> {
  return composeBuildWith(await loadYaml(), text, service, l10n);
}

function hasInterpolation(value: string): boolean {
  return /(?<!\$)\$(?:\$\$)*(?!\$)/.test(value);
}

export function composeBuildWith(Y: YamlModule, text: string, service: string, l10n: Localizer = english): BuildResult {
  const { documents, errors } = parseCompose(Y, text);
  if (errors.length > 0) {
    return { ok: false, message: l10n.t('The compose file is not valid YAML.') };
  }
  // Compose merges documents in order: the last one that defines the service's build wins.
  let raw: unknown;
  for (const doc of documents) {
    const js = doc.toJS({ maxAliasCount: -1 }) as { services?: Record<string, { build?: unknown } | null> } | null;
    const s = js?.services?.[service];
    if (s && typeof s === 'object' && s.build !== undefined) {
      raw = s.build;
    }
  }
  if (raw === undefined) {
    return { ok: false, message: l10n.t('{0} has no build: key.', service) };
  }
  const bad = (): BuildResult => ({
    ok: false,
    message: l10n.t('The build: of {0} uses variables (${…}): Swarm Lab cannot know their values.', service),
  });
  if (typeof raw === 'string') {
    return hasInterpolation(raw) ? bad() : { ok: true, build: { context: raw, args: {} } };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, message: l10n.t('The build: of {0} is neither a folder nor a mapping.', service) };
  }
  const b = raw as Record<string, unknown>;
  const text_ = (v: unknown): string | undefined =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  const context = text_(b['context']) ?? '.';
  const dockerfile = text_(b['dockerfile']);
  const target = text_(b['target']);
  const args = buildArgs(b['args']);
  if (args === undefined) {
    return { ok: false, message: l10n.t('The build arguments of {0} are neither a mapping nor a list.', service) };
  }
  const values = [context, dockerfile ?? '', target ?? '', ...Object.keys(args), ...Object.values(args)];
  if (values.some(hasInterpolation)) {
    return bad();
  }
  if (typeof b['dockerfile_inline'] === 'string') {
    return { ok: false, message: l10n.t('{0} uses dockerfile_inline, which Swarm Lab does not build.', service) };
  }
  return {
    ok: true,
    build: {
      context,
      ...(dockerfile !== undefined ? { dockerfile } : {}),
      args,
      ...(target !== undefined ? { target } : {}),
    },
  };
}

/** `args:` as a mapping or a `KEY=value` list; a key without a value takes none (Compose reads it from the environment). */
function buildArgs(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) {
    return {};
  }
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const s = String(item);
      const eq = s.indexOf('=');
      if (eq > 0) {
        out[s.slice(0, eq)] = s.slice(eq + 1);
      }
    }
    return out;
  }
  if (typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        out[k] = String(v);
      }
    }
    return out;
  }
  return undefined;
}
