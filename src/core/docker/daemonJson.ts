/**
 * Adds the lab's settings to a node's /etc/docker/daemon.json without
 * losing what is already there (registry mirrors, log options, insecure
 * registries a student added). Pure: the step reads the file, calls this,
 * and uploads the text only when it changed. A file that is not valid JSON
 * is an error and must be left as it is: dockerd would not start with it
 * either, and guessing what the student meant could lose a setting.
 */
import type { Localizer } from '../l10n';

/**
 * Section 2 of the lab: experimental features on, and the engine's metrics
 * endpoint for the dockerd-exporter of section 9 (older engines only serve
 * metrics with experimental on, hence both).
 */
export const LAB_DAEMON_SETTINGS: Readonly<Record<string, unknown>> = {
  experimental: true,
  'metrics-addr': '0.0.0.0:9323',
};

export const DAEMON_JSON_PATH = '/etc/docker/daemon.json';

export type DaemonJsonResult =
  | { readonly ok: true; readonly changed: boolean; readonly text: string }
  | { readonly ok: false; readonly error: string };

/**
 * `current` is the file's text, or undefined when it does not exist. Keys
 * keep their order, the desired ones are set in place or added at the end;
 * when nothing changes the text comes back byte for byte. Otherwise the
 * file is written again in its own style: indentation (tabs or N spaces),
 * one line if it was one line, line endings, final newline.
 */
export function mergeDaemonJson(
  current: string | undefined,
  desired: Readonly<Record<string, unknown>>,
  l10n: Localizer,
  path = DAEMON_JSON_PATH,
): DaemonJsonResult {
  const bom = current?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = (current ?? '').slice(bom.length);
  if (body.trim() === '') {
    // No file (or an empty one, which dockerd also accepts): start one.
    return { ok: true, changed: true, text: `${JSON.stringify({ ...desired }, null, 2)}\n` };
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, error: l10n.t('{0} is not valid JSON ({1}); it was left untouched.', path, why) };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed;
    return { ok: false, error: l10n.t('{0} must hold a JSON object, not {1}; it was left untouched.', path, kind) };
  }

  const existing = parsed as Record<string, unknown>;
  const missing = Object.keys(desired).filter((key) => !sameJson(existing[key], desired[key]));
  if (missing.length === 0) {
    return { ok: true, changed: false, text: current ?? '' };
  }
  // Spreading keeps the existing keys' order and replaces values in place.
  const merged = { ...existing, ...desired };
  return { ok: true, changed: true, text: bom + serializeLike(body, merged) };
}

/** The settings of a daemon.json text that differ from the desired ones (for a check's reason). */
export function missingDaemonSettings(
  current: string | undefined,
  desired: Readonly<Record<string, unknown>>,
): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse((current ?? '').replace(/^\uFEFF/, '').trim() || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return undefined;
    }
    const existing = parsed as Record<string, unknown>;
    return Object.keys(desired).filter((key) => !sameJson(existing[key], desired[key]));
  } catch {
    return undefined;
  }
}

function serializeLike(original: string, value: Record<string, unknown>): string {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const trailing = /\r?\n\s*$/.test(original) ? eol : '';
  const inner = original.trim();
  const emptyObject = /^\{\s*\}$/.test(inner);
  if (!inner.includes('\n') && !emptyObject) {
    return JSON.stringify(value) + trailing;
  }
  return JSON.stringify(value, null, detectIndent(original)).replace(/\n/g, eol) + trailing;
}

/** The indentation of the first indented line: a tab, or a number of spaces; 2 when there is none. */
function detectIndent(text: string): string | number {
  const indented = text.split(/\r?\n/).find((line) => /^[ \t]+\S/.test(line));
  const lead = indented?.match(/^[ \t]+/)?.[0];
  if (lead === undefined) {
    return 2;
  }
  return lead.startsWith('\t') ? '\t' : lead.length;
}

/** Equal as JSON values (key order aside), which is how dockerd sees them. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
