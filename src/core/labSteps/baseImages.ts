/**
 * `docker build` of a Dockerfile whose FROM image the node lacks pulls it.
 * The local lab reaches no registry, so such a build fails after a wall of
 * pull errors, on every node. Before building there, the stack's step looks
 * for each build's FROM images on the nodes and, when one lacks one, fails
 * with one line naming the image, the service and the nodes, and what to do;
 * `docker image inspect`'s own output still goes to the step's log.
 */
import type { Localizer } from '../l10n';
import { shellCommand } from '../shell/shellQuote';
import type { NodeContext, NodeSession } from '../steps/step';
import type { LabStepConfig, ProjectFile } from './labConfig';
import { LOCAL_LAB_BASE_IMAGE } from './labImages';
import { normalizeImage, posixJoin, type BuiltImage } from './stackProject';

/** The images a Dockerfile builds FROM, in order: not `scratch`, not an earlier stage, not one an ARG names. */
export function dockerfileBases(text: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (!m) {
      continue;
    }
    const [, image, stage] = m;
    if (image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase()) && !image.includes('$')) {
      bases.push(image);
    }
    if (stage) {
      stages.add(stage.toLowerCase());
    }
  }
  return [...new Set(bases)];
}

/** Each base image of the builds, with the services built FROM it, in the builds' order. */
export function buildBases(project: readonly ProjectFile[], built: readonly BuiltImage[]): Map<string, string[]> {
  const bases = new Map<string, string[]>();
  for (const b of built) {
    const context = b.context.replace(/^\.?\/?$/, '');
    const file = context === '' ? 'Dockerfile' : posixJoin(context, 'Dockerfile');
    const dockerfile = project.find((f) => f.path === file);
    for (const base of dockerfileBases(dockerfile?.content ?? '')) {
      bases.set(base, [...(bases.get(base) ?? []), b.service]);
    }
  }
  return bases;
}

/** The images the local lab makes and loads itself (its Debian base, its stand-ins), all named `swarm-lab/…`. */
function loadedByStartLocalLab(image: string): boolean {
  return normalizeImage(image).startsWith('swarm-lab/');
}

async function has(session: NodeSession, image: string, signal: AbortSignal): Promise<{ ok: boolean; said: string[] }> {
  const command = ['docker', 'image', 'inspect', '--format', '{{.Id}}', image];
  const out = await session.exec(command, { signal });
  const said = `${out.stdout}${out.stderr}`.split('\n').filter((line) => line.trim() !== '');
  return { ok: out.code === 0, said: [shellCommand(command).text, ...said] };
}

/**
 * Local lab only (elsewhere a build may pull its base). Resolves when this
 * node has every base image of the builds; otherwise logs what `docker image
 * inspect` said, asks the step's other nodes, and throws one line naming
 * each missing base, the first service built FROM it, and every node that
 * lacks it.
 */
export async function requireBaseImages(
  ctx: NodeContext,
  config: LabStepConfig,
  built: readonly BuiltImage[],
): Promise<void> {
  if (config.environment !== 'local-lab') {
    return;
  }
  const lacking: Array<[string, string[]]> = [];
  for (const [base, services] of buildBases(config.project, built)) {
    const here = await has(ctx.session, base, ctx.signal);
    if (!here.ok) {
      here.said.forEach((line) => ctx.log(line));
      lacking.push([base, services]);
    }
  }
  if (lacking.length === 0) {
    return;
  }
  const problems = await Promise.all(
    lacking.map(async ([base, services]) => {
      const nodes: string[] = [];
      for (const node of ctx.targets) {
        const session = node.name === ctx.node.name ? undefined : await config.sessionOf(node.name, ctx.signal);
        if (session === undefined || !(await has(session, base, ctx.signal)).ok) {
          nodes.push(node.name);
        }
      }
      return missingBaseMessage(services[0], base, nodes, ctx.l10n);
    }),
  );
  throw new Error(problems.join('; '));
}

export function missingBaseMessage(service: string, base: string, nodes: readonly string[], l10n: Localizer): string {
  return loadedByStartLocalLab(base)
    ? l10n.t(
        "{0}'s base image `{1}` is missing on {2}: run *Start Local Lab* again to load the lab's images",
        service,
        base,
        nodes.join(', '),
      )
    : l10n.t(
        "{0}'s base image `{1}` is missing on {2}: the local lab pulls no image; load it with *Load Images from Archives…*, or build FROM `{3}`",
        service,
        base,
        nodes.join(', '),
        LOCAL_LAB_BASE_IMAGE,
      );
}
