/**
 * The lab's compose project as the stack steps use it: the compose file in
 * either image form (local `python-app:latest`, built on each node, or the
 * registry's `m1.swarm:5000/python-app:latest`), the images its services
 * build, and the actions that put the project in a folder of a node.
 */
import { analyzeCompose, flipAll, type ComposeAnalysis } from '../compose/composeImages';
import { rewriteScalar } from '../compose/composeEdits';
import { loadYaml } from '../compose/composeYaml';
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Action } from '../steps/step';
import { applyEdits, type TextEdit } from '../text/textEdit';
import type { LabStepConfig, ProjectFile } from './labConfig';
import { routingMeshEdits } from './stackMesh';
import { KEEPALIVED_IMAGE, labImage, REDIS_IMAGE, REGISTRY_IMAGE, type LabImageRole } from './labImages';

export const COMPOSE_FILE = 'docker-compose.yml';
/** Relative: SSH commands and SFTP both start in the user's home. */
export const HOME_PROJECT_DIR = 'swarm-lab/python_dirty_app';

export interface BuiltImage {
  readonly service: string;
  /** The image reference in the chosen form. */
  readonly image: string;
  /** The build context, relative to the project's folder. */
  readonly context: string;
}

export interface ProjectForm {
  /** The compose file's text in that form (only the image scalars differ from the original). */
  readonly compose: string;
  /** Every service of the compose file, with its image as written. */
  readonly services: ReadonlyMap<string, string>;
  readonly built: readonly BuiltImage[];
  /** Images the environment runs under another name (the local lab's Debian-built stand-ins), by service. */
  readonly substituted: ReadonlyMap<string, { readonly from: string; readonly to: string }>;
}

/** The images a student's compose file may name that the environment can run under another name. */
const SUBSTITUTABLE: readonly LabImageRole[] = [REDIS_IMAGE, REGISTRY_IMAGE, KEEPALIVED_IMAGE];

type ImageConfig = Pick<LabStepConfig, 'registry' | 'environment' | 'images'>;

export function composeText(project: readonly ProjectFile[], l10n: Localizer): string {
  const file = project.find((f) => f.path === COMPOSE_FILE);
  if (!file) {
    throw new Error(l10n.t('The lab project has no {0}.', COMPOSE_FILE));
  }
  return file.content;
}

/**
 * The project's compose file with its built images in the given form, and
 * the images it pulls replaced by the environment's (`redis` runs as the
 * local lab's `swarm-lab/redis-debian:latest`).
 */
export async function projectForm(
  project: readonly ProjectFile[],
  form: 'local' | 'registry',
  config: ImageConfig,
  l10n: Localizer,
): Promise<ProjectForm> {
  const original = composeText(project, l10n);
  const analysis = await analyzeCompose(original, { registry: config.registry, l10n });
  if (!analysis.valid) {
    throw new Error(l10n.t('{0} cannot be read: {1}', COMPOSE_FILE, analysis.diagnostics[0]?.message ?? ''));
  }
  const substitution = substitutions(original, analysis, config);
  const mesh = config.environment === 'vm' ? await routingMeshEdits(original) : [];
  const compose = applyEdits(original, [...flipAll(analysis, form).edits, ...substitution.edits, ...mesh]);
  const Y = await loadYaml();
  const doc = Y.parse(compose) as {
    services?: Record<string, { image?: string; build?: string | { context?: string } }>;
  };
  const services = new Map<string, string>();
  const built: BuiltImage[] = [];
  for (const [name, spec] of Object.entries(doc.services ?? {})) {
    services.set(name, spec.image ?? '');
    const context = typeof spec.build === 'string' ? spec.build : spec.build?.context;
    if (context !== undefined && spec.image) {
      built.push({ service: name, image: spec.image, context: context.replace(/^\.\//, '') });
    }
  }
  return { compose, services, built, substituted: substitution.services };
}

/** Edits naming, for each service that pulls an image of SUBSTITUTABLE, the image this environment runs. */
function substitutions(
  text: string,
  analysis: ComposeAnalysis,
  config: ImageConfig,
): { edits: TextEdit[]; services: Map<string, { from: string; to: string }> } {
  const edits = new Map<number, TextEdit>();
  const services = new Map<string, { from: string; to: string }>();
  for (const service of analysis.services) {
    const image = service.image;
    if (service.build || !image || image.style === 'block') {
      continue;
    }
    const role = SUBSTITUTABLE.find((r) => normalizeImage(r.lab) === normalizeImage(image.value));
    const to = role && labImage(config, role);
    if (!to || normalizeImage(to) === normalizeImage(image.value)) {
      continue;
    }
    services.set(service.name, { from: image.value, to });
    // A shared scalar (an anchor) is one edit for all the services that use it.
    edits.set(
      image.range.offset,
      rewriteScalar(text, image.range.offset, image.range.offset + image.range.length, image.style, to),
    );
  }
  return { edits: [...edits.values()], services };
}

/** `redis` and `docker.io/library/redis:latest` are one image: compare references this way. */
export function normalizeImage(ref: string): string {
  let r = ref.split('@')[0];
  const lastSlash = r.lastIndexOf('/');
  if (!r.slice(lastSlash + 1).includes(':')) {
    r += ':latest';
  }
  return r.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

function posixJoin(dir: string, file: string): string {
  return `${dir.replace(/\/+$/, '')}/${file}`;
}

/** Creates the project's folders, then uploads each file (the compose file in the chosen form). */
export function uploadProject(dir: string, project: readonly ProjectFile[], compose: string): Action[] {
  const dirs = new Set([dir]);
  for (const f of project) {
    const slash = f.path.lastIndexOf('/');
    if (slash > 0) {
      dirs.add(posixJoin(dir, f.path.slice(0, slash)));
    }
  }
  return [
    { kind: 'exec', command: sh`mkdir -p -- ${[...dirs]}` },
    ...project.map((f): Action => ({
      kind: 'upload',
      path: posixJoin(dir, f.path),
      content: f.path === COMPOSE_FILE ? compose : f.content,
    })),
  ];
}

export function buildActions(dir: string, built: readonly BuiltImage[]): Action[] {
  // The classic builder: BuildKit is not on every engine, and it would try to
  // resolve the FROM image in a registry the local lab cannot reach.
  return built.map((b): Action => ({
    kind: 'exec',
    command: sh`DOCKER_BUILDKIT=0 docker build -q -t ${b.image} ${posixJoin(dir, b.context)}`,
  }));
}

export { posixJoin };
