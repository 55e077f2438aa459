/**
 * `docker stack deploy` builds nothing and, from local images, pulls
 * nothing: a node without them would only reject its tasks, again and
 * again. This action says which node lacks which image before deploying.
 */
import type { Action, NodeContext } from '../steps/step';
import type { LabStepConfig } from './labConfig';

/** `missing` words the failure from the per-node list ("core-03: app-proxy:latest; …"), with what to do. */
export function imagesOnNodesAction(
  ctx: NodeContext,
  config: LabStepConfig,
  images: readonly string[],
  missing: (problems: string) => string,
): Action {
  return {
    kind: 'call',
    description: ctx.l10n.t('check that every node has {0} (docker image inspect)', images.join(', ')),
    async run(_session, io) {
      const perNode = await Promise.all(
        ctx.cluster.map(async (node) => {
          const session = await config.sessionOf(node.name, io.signal);
          const lacking: string[] = [];
          for (const image of images) {
            const out = await session.exec(['docker', 'image', 'inspect', '--format', '{{.Id}}', image], {
              signal: io.signal,
            });
            if (out.code !== 0) {
              lacking.push(image);
            }
          }
          return lacking.length > 0 ? `${node.name}: ${lacking.join(', ')}` : '';
        }),
      );
      const problems = perNode.filter((m) => m !== '');
      if (problems.length > 0) {
        throw new Error(missing(problems.join('; ')));
      }
    },
  };
}
