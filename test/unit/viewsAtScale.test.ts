import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { CONTAINERS_SHOW_MORE, containerItem } from '../../src/core/views/containerItems';
import { moreTreeItem, PAGE_SIZE, Paging } from '../../src/core/views/plainTreeItem';
import { SWARM_SHOW_MORE, swarmTreeItem } from '../../src/core/views/swarmItems';
import { EVEN_LAYOUT, scaleAnswers, scaleModels, SKEWED_LAYOUT, walkViews } from '../harness/scaleCluster';
import { readJson } from './repoFiles';

const ids = (items: { id: string }[], prefix: string): string[] =>
  items.filter((i) => i.id.startsWith(prefix)).map((i) => i.id);

describe('Views at scale: 50 nodes, 5,000 tasks, 5,000 containers', () => {
  const skewed = scaleModels(scaleAnswers(SKEWED_LAYOUT));

  it('builds a model that would overflow a view without paging', () => {
    const big = skewed.snapshot.stacks.find((s) => s.name === 'big')!;
    assert.equal(big.services[0].tasks.length, 1500);
    assert.equal(skewed.snapshot.stacks.find((s) => s.name === 'wide')!.services.length, 150);
    assert.equal(skewed.snapshot.services.length, 200);
    assert.equal(skewed.engines[0].size, 2000);
    assert.equal(
      skewed.engines.reduce((n, e) => n + e.size, 0),
      5000,
    );
  });

  it(`shows no parent more than ${PAGE_SIZE} children and one "Show more" item`, () => {
    const walk = walkViews(skewed, new Paging(), english, false);
    assert.ok(Math.max(...walk.childCounts) <= PAGE_SIZE + 1, `a parent gave ${Math.max(...walk.childCounts)}`);
    const more = walk.items.filter((i) => i.contextValue === 'more');
    // The 1,500 tasks, the 150 services of a stack, the root's 202 entries, the 2,000 containers of one machine.
    assert.equal(more.length, 4);
    assert.ok(more.every((i) => i.command?.arguments.length === 1));
  });

  it('reaches every task, service, node and container through the "Show more" items', () => {
    const walk = walkViews(skewed, new Paging(), english, true);
    const tasks = ids(walk.items, 'swarm:task:');
    const containers = ids(walk.items, 'container:');
    assert.equal(new Set(tasks).size, 5000);
    assert.equal(tasks.length, 5000);
    assert.equal(new Set(containers).size, 5000);
    assert.equal(containers.length, 5000);
    assert.equal(ids(walk.items, 'swarm:service:').length, 351);
    assert.equal(ids(walk.items, 'swarm:node:').length, 50);
    assert.equal(ids(walk.items, 'ssh:').length, 50);
    assert.equal(walk.items.filter((i) => i.contextValue === 'more').length, 0);
  });

  it('builds every item of the bench layout on first show (no parent over a page)', () => {
    const walk = walkViews(scaleModels(scaleAnswers(EVEN_LAYOUT)), new Paging(), english, false);
    assert.ok(Math.max(...walk.childCounts) <= PAGE_SIZE);
    // 50 machines; Nodes + 50 nodes + 50 stacks + 500 services + 5,000 tasks + resources and its 3 groups; 50 engines + 5,000 containers.
    assert.equal(walk.items.length, 50 + 1 + 50 + 50 + 500 + 5000 + 4 + 50 + 5000);
  });
});

describe('Views: paging', () => {
  it('adds a page per click and says how many are left', () => {
    const paging = new Paging();
    const list = Array.from({ length: 250 }, (_, i) => ({ kind: 'x', i }));
    let page = paging.page('p', list);
    assert.equal(page.length, 101);
    assert.deepEqual(page[100], { kind: 'more', parentId: 'p', shown: 100, total: 250, next: 100 });
    paging.showMore('p');
    page = paging.page('p', list);
    assert.equal(page.length, 201);
    const more = moreTreeItem(page[200] as never, SWARM_SHOW_MORE, english);
    assert.equal(more.label, 'Show 50 more…');
    assert.equal(more.description, '200 of 250 shown');
    assert.deepEqual(more.command, { command: SWARM_SHOW_MORE, title: 'Show more', arguments: ['p'] });
    paging.showMore('p');
    assert.equal(paging.page('p', list).length, 250);
  });

  it('shows the page of a child to reveal, and keeps each parent apart', () => {
    const paging = new Paging();
    paging.showIndex('a', 100);
    assert.equal(paging.shown('a'), 200);
    paging.showIndex('a', 99);
    assert.equal(paging.shown('a'), 200);
    assert.equal(paging.shown('b'), PAGE_SIZE);
  });

  it('runs commands the manifest contributes', () => {
    const manifest = readJson<{ contributes: { commands: { command: string }[] } }>('package.json');
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.includes(SWARM_SHOW_MORE));
    assert.ok(contributed.includes(CONTAINERS_SHOW_MORE));
  });
});

describe('Views: what an item says', () => {
  const m = scaleModels(scaleAnswers(EVEN_LAYOUT));

  it('names the node a task runs on, and marks a task with a container', () => {
    const service = m.snapshot.stacks[0].services[0];
    const item = swarmTreeItem({ kind: 'task', service, task: service.tasks[1] }, english);
    assert.equal(item.label, `${service.name}.2`);
    assert.match(item.description!, /^node-\d\d · running$/);
    assert.equal(item.contextValue, 'swarmTask.running.withContainer');
    assert.deepEqual(item.icon, { id: 'pass-filled', color: 'charts.green' });
  });

  it('keeps a failed task visible with its error', () => {
    const service = m.snapshot.stacks[0].services[0];
    const item = swarmTreeItem({ kind: 'task', service, task: service.tasks[0] }, english);
    assert.equal(item.icon?.id, 'error');
    assert.deepEqual(item.tooltip?.paragraphs.slice(1), ['task: non-zero exit (1)']);
  });

  it('describes a container and its engine as the Containers view shows them', () => {
    const c = m.engines[1].list()[0];
    const item = containerItem(c, m.engines[1].key, english);
    assert.equal(item.id, `container:${m.engines[1].key}:${c.id}`);
    assert.equal(item.contextValue, 'container.running');
    assert.equal(item.tooltip?.title, c.name);
    assert.ok(item.tooltip?.paragraphs.includes(`ID: ${c.id.slice(0, 12)}`));
    const unhealthy = containerItem({ ...c, health: 'unhealthy' }, 'local', english);
    assert.deepEqual(unhealthy.icon, { id: 'warning', color: 'charts.red' });
    assert.equal(unhealthy.description, `${c.image} · unhealthy`);
  });

  it('gives a "Show more" item of the Containers view its command', () => {
    const item = moreTreeItem(
      { kind: 'more', parentId: 'engine:x', shown: 100, total: 130, next: 30 },
      CONTAINERS_SHOW_MORE,
      english,
    );
    assert.equal(item.id, 'engine:x:more');
    assert.equal(item.command?.command, CONTAINERS_SHOW_MORE);
  });
});
