/**
 * The lab's compose project as the stack steps use it: the compose file in
 * either image form (local `python-app:latest`, built on each node, or the
 * registry's `m1.swarm:5000/python-app:latest`), the images its services
 * build, and the actions that put the project in a folder of a node.
 */
import { analyzeCompose, flipAll } from '../compose/composeImages';
import { loadYaml } from '../compose/composeYaml';
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Action } from '../steps/step';
import { applyEdits } from '../text/textEdit';
import type { ProjectFile } from './labConfig';

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
}

export function composeText(project: readonly ProjectFile[], l10n: Localizer): string {
  const file = project.find((f) => f.path === COMPOSE_FILE);
  if (!file) {
    throw new Error(l10n.t('The lab project has no {0}.', COMPOSE_FILE));
  }
  return file.content;
}

/** The project's compose file with its built images in the given form. */
export async function projectForm(
  project: readonly ProjectFile[],
  form: 'local' | 'registry',
  registry: string,
  l10n: Localizer,
): Promise<ProjectForm> {
  const original = composeText(project, l10n);
  const analysis = await analyzeCompose(original, { registry, l10n });
  if (!analysis.valid) {
    throw new Error(l10n.t('{0} cannot be read: {1}', COMPOSE_FILE, analysis.diagnostics[0]?.message ?? ''));
  }
  const compose = applyEdits(original, flipAll(analysis, form).edits);
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
  return { compose, services, built };
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
