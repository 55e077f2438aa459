/**
 * What a backup of the cluster holds, built from what the Docker API says
 * (pure: no machine is touched here). Services' specs, the stacks' compose
 * files rebuilt from those specs (Docker keeps no compose file: the specs
 * are what is deployed), configs with their data, secrets by name only, the
 * stacks' networks and the registry's catalogue.
 *
 * Scrubbing: the API never returns a secret's value, but a spec can still
 * carry one in clear: an environment variable such as DB_PASSWORD, a
 * `--service-token=…` argument, a registry credential kept for
 * `--with-registry-auth`. Those values are replaced by a marker before
 * anything is written, and listed (by name) in the manifest; the rebuilt
 * compose file asks for them at deploy time (`${NAME:?…}`), so a restore
 * says what it lacks instead of deploying a wrong value.
 */
import type { RawObject } from './labSession';

/** What stands for a value that was taken out. */
export const REDACTED = '<redacted>';

/** Environment variables whose value is a credential, by name. */
const SECRET_NAME = /PASS(WORD|WD)?|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH/i;
/** Command-line options whose value is a credential (`--service-token=x`, `--password x`). */
const SECRET_OPTION = /^(--?[\w.-]*(?:token|pass|secret|key|auth)[\w.-]*)(=)(.+)$/i;
/** The same option with its value as the next argument (`--requirepass value`). */
const SECRET_FLAG = /^--?[\w.-]*(?:token|pass|secret|key|auth)[\w.-]*$/i;
/** Strings that are credentials whatever their place: swarm join tokens, private keys. */
const SECRET_TEXT = [
  /SWMTKN-1-[0-9a-z-]+/gi,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export const STACK_LABEL = 'com.docker.stack.namespace';

/** A value taken out of a spec: where, and under which name. */
export interface Scrubbed {
  readonly service: string;
  /** `env DB_PASSWORD`, `arg --service-token`, `registry-auth`, `text`. */
  readonly what: string;
}

export interface RegistryCatalogue {
  readonly registry: string;
  /** Repository → tags; undefined when the registry could not be asked (the manifest says why). */
  readonly repositories?: Readonly<Record<string, readonly string[]>>;
  readonly error?: string;
}

/** The cluster as read through the API, before scrubbing. */
export interface ClusterState {
  readonly services: readonly RawObject[];
  readonly configs: readonly RawObject[];
  readonly secrets: readonly RawObject[];
  readonly networks: readonly RawObject[];
  readonly registry: RegistryCatalogue;
}

export interface BackupFile {
  readonly path: string;
  readonly content: string;
}

export function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function serviceName(service: RawObject): string {
  return str(obj(service['Spec'])['Name']) ?? str(service['ID']) ?? '?';
}

export function stackOf(labels: unknown): string | undefined {
  return str(obj(labels)[STACK_LABEL]);
}

/** Replaces credentials in free text (join tokens, private keys, values the extension knows are secret). */
export function scrubText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const value of known.filter((k) => k.length >= 4)) {
    out = out.split(value).join(REDACTED);
  }
  for (const pattern of SECRET_TEXT) {
    out = out.replace(pattern, REDACTED);
  }
  return out;
}

/** Whether a text still holds a credential (a join token, a private key, a known secret value). */
export function leaksIn(text: string, known: readonly string[] = []): string[] {
  const found: string[] = [];
  if (known.some((k) => k.length >= 4 && text.includes(k))) {
    found.push('known secret value');
  }
  if (/SWMTKN-1-[0-9a-z]/i.test(text)) {
    found.push('swarm join token');
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    found.push('private key');
  }
  return found;
}

/**
 * A service as it is kept in the backup: ID, version and spec, with
 * credentials replaced by REDACTED, and the list of what was replaced.
 */
export function scrubService(
  service: RawObject,
  known: readonly string[] = [],
): { readonly service: RawObject; readonly scrubbed: Scrubbed[] } {
  const name = serviceName(service);
  const scrubbed: Scrubbed[] = [];
  const spec = JSON.parse(JSON.stringify(service['Spec'] ?? {})) as Record<string, unknown>;
  const container = obj(obj(spec['TaskTemplate'])['ContainerSpec']);
  if (Array.isArray(container['Env'])) {
    container['Env'] = container['Env'].map((entry) => {
      const text = String(entry);
      const eq = text.indexOf('=');
      const variable = eq < 0 ? text : text.slice(0, eq);
      const value = text.slice(eq + 1);
      // Already scrubbed (an archive checked again) or empty: nothing to take out.
      if (eq >= 0 && SECRET_NAME.test(variable) && value !== '' && value !== REDACTED) {
        scrubbed.push({ service: name, what: `env ${variable}` });
        return `${variable}=${REDACTED}`;
      }
      return text;
    });
  }
  for (const key of ['Args', 'Command']) {
    if (Array.isArray(container[key])) {
      const list = container[key].map(String);
      container[key] = list.map((arg, i) => {
        const m = SECRET_OPTION.exec(arg);
        if (m && m[3] !== REDACTED) {
          scrubbed.push({ service: name, what: `arg ${m[1]}` });
          return `${m[1]}=${REDACTED}`;
        }
        // `--password value`: the value is the next argument.
        const previous = i > 0 ? list[i - 1] : '';
        if (SECRET_FLAG.test(previous) && !arg.startsWith('-') && arg !== REDACTED) {
          scrubbed.push({ service: name, what: `arg ${previous}` });
          return REDACTED;
        }
        return arg;
      });
    }
  }
  const pull = obj(container['PullOptions']);
  if (pull['RegistryAuth'] !== undefined) {
    delete pull['RegistryAuth'];
    scrubbed.push({ service: name, what: 'registry-auth' });
  }
  const before = JSON.stringify(spec);
  const after = scrubText(before, known);
  if (after !== before) {
    scrubbed.push({ service: name, what: 'text' });
  }
  return {
    service: { ID: service['ID'], Version: service['Version'], Spec: JSON.parse(after) as unknown },
    scrubbed,
  };
}

/** The stacks present, by their namespace label, in name order. */
export function stacksOf(services: readonly RawObject[]): string[] {
  return [...new Set(services.flatMap((s) => stackOf(obj(s['Spec'])['Labels']) ?? []))].sort((a, b) =>
    a.localeCompare(b),
  );
}
