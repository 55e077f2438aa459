import { performance } from 'node:perf_hooks';
import { english } from '../../src/core/l10n';
import { Paging } from '../../src/core/views/plainTreeItem';
import { EVEN_LAYOUT, scaleAnswers, scaleModels, walkViews } from '../harness/scaleCluster';
import { FigureSource, median, round1 } from './figures';

/** Every item of the three views: 50 machines; Nodes, 50 nodes, 50 stacks, 500 services, 5,000 tasks, the resources; 50 engines, 5,000 containers. */
const ITEMS = 50 + (1 + 50 + 50 + 500 + 5000 + 4) + (50 + 5000);

/**
 * cluster.model_5000_50nodes_ms: from the engines' answers (the JSON text of
 * /info, /nodes, /services, /tasks and 50 × /containers/json) to the plain
 * items of every node of the Machines, Swarm and Containers views: parsing,
 * the swarm snapshot, the container models, and each item's label,
 * description, tooltip, icon and menus. No lab: plain Node, median of runs
 * after one warm-up.
 */
export const scaleFigures: FigureSource = {
  names: ['cluster.model_5000_50nodes_ms'],
  measure(runs) {
    const answers = scaleAnswers(EVEN_LAYOUT);
    const once = (): number => {
      const t0 = performance.now();
      const walk = walkViews(scaleModels(answers), new Paging(), english, false);
      const ms = performance.now() - t0;
      if (walk.items.length !== ITEMS) {
        throw new Error(`built ${walk.items.length} items, not ${ITEMS}`);
      }
      return ms;
    };
    once();
    const samples = Array.from({ length: 5 * runs }, once);
    return Promise.resolve([{ name: 'cluster.model_5000_50nodes_ms', value: round1(median(samples)), unit: 'ms' }]);
  },
};
