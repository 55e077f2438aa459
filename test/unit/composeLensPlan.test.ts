import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeCompose } from '../../src/core/compose/composeImages';
import { planLenses } from '../../src/core/compose/composeLensPlan';
import { ImagePresence } from '../../src/core/images/imagePresence';
import { ROOT } from './repoFiles';

const OPTIONS = { registry: 'm1.swarm:5000' };
const fixture = (name: string): string =>
  fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'compose', name, 'input.yml'), 'utf8');

describe('compose lens plan', () => {
  it("plans the seed compose file's lenses: all → local on top, a flip above each built image", async () => {
    const plan = planLenses(await analyzeCompose(fixture('seed-python-dirty-app'), OPTIONS), undefined);
    assert.deepEqual(
      plan.map((l) => [l.line + 1, l.title, l.action.kind]),
      [
        [1, 'All images → local', 'flipAll'],
        [5, '→ local form', 'flip'],
        [5, '$(server-process) Build or push…', 'imageActions'],
        [21, '→ local form', 'flip'],
        [21, '$(server-process) Build or push…', 'imageActions'],
      ],
    );
    assert.deepEqual(plan[1].action, { kind: 'flip', service: 'python-app', to: 'local' });
    assert.equal(plan[1].tooltip, 'Change the image to python-app:latest');
  });

  it('offers image: in both forms for a service that builds without naming its image', async () => {
    const plan = planLenses(await analyzeCompose(fixture('build-without-image'), OPTIONS), undefined);
    const adds = plan.filter((l) => l.action.kind === 'addImage' && l.action.service === 'python-app');
    assert.deepEqual(
      adds.map((l) => [l.line + 1, l.title, l.tooltip]),
      [
        [6, 'Add image: (local form)', 'image: python-app:latest'],
        [6, 'Add image: (registry form)', 'image: m1.swarm:5000/python-app:latest'],
      ],
    );
  });

  it('adds the wider "all" lens only when it switches more than the built services', async () => {
    const text = [
      'services:',
      '  app:',
      '    build: .',
      '    image: m1.swarm:5000/app',
      '  cache:',
      '    image: m1.swarm:5000/cache:1',
      '',
    ].join('\n');
    const titles = planLenses(await analyzeCompose(text, OPTIONS), undefined)
      .filter((l) => l.line === 0)
      .map((l) => [l.title, l.action]);
    assert.deepEqual(titles, [
      ['All images → local', { kind: 'flipAll', to: 'local', scope: 'built' }],
      ['All, including images not built here → local', { kind: 'flipAll', to: 'local', scope: 'all' }],
    ]);
  });

  it('says why an image cannot switch, and nothing over Docker Hub images', async () => {
    const text = 'services:\n  app:\n    build: .\n    image: ${REG}/app\n  db:\n    image: redis\n';
    const plan = planLenses(await analyzeCompose(text, OPTIONS), undefined);
    const info = plan.find((l) => l.title.includes('not switchable'));
    assert.ok(info);
    assert.equal(info.line, 3);
    assert.match(info.tooltip ?? '', /variable|\$/i);
    assert.deepEqual(
      plan.filter((l) => l.line === 5),
      [],
    );
  });

  it('shows where each image is, and the image actions for built ones', async () => {
    const presence = new ImagePresence();
    presence.setNodes(['core-01', 'core-02', 'core-03']);
    const id = `sha256:${'d'.repeat(64)}`;
    presence.replaceImages('core-01', [{ id, tags: ['m1.swarm:5000/python-app:latest', 'redis:latest'], created: 1 }]);
    presence.replaceImages('core-02', [{ id, tags: ['redis:latest'], created: 1 }]);
    presence.replaceImages('core-03', [{ id, tags: ['m1.swarm:5000/python-app:latest', 'redis:latest'], created: 1 }]);
    const plan = planLenses(await analyzeCompose(fixture('seed-python-dirty-app'), OPTIONS), (ref) =>
      presence.report(ref),
    );
    const where = plan.filter((l) => /nodes/.test(l.title)).map((l) => [l.line + 1, l.title, l.action.kind]);
    assert.deepEqual(where, [
      [5, '$(warning) 2/3 nodes · missing on core-02', 'imageActions'],
      [14, '$(check) 3/3 nodes', 'info'],
      [21, '$(circle-slash) 0/3 nodes', 'imageActions'],
    ]);
  });

  it('plans no lens on malformed YAML', async () => {
    const analysis = await analyzeCompose(fixture('malformed-unclosed-quote'), OPTIONS);
    assert.equal(analysis.valid, false);
    assert.deepEqual(planLenses(analysis, undefined), []);
  });
});
