import * as assert from 'node:assert/strict';
import {
  EngineImage,
  ImagePresence,
  imageKey,
  presenceIcon,
  presenceSummary,
  shortImageId,
} from '../../src/core/images/imagePresence';

const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;

function image(id: string, tags: string[], created = 1764000000): EngineImage {
  return { id, tags, created };
}

describe('image presence', () => {
  it('keys references the way Docker finds images (implicit latest and docker.io/library)', () => {
    assert.equal(imageKey('redis'), 'docker.io/library/redis:latest');
    assert.equal(imageKey('redis:latest'), imageKey('docker.io/library/redis:latest'));
    assert.equal(imageKey('m1.swarm:5000/app-proxy'), 'm1.swarm:5000/app-proxy:latest');
    assert.notEqual(imageKey('python-app:latest'), imageKey('m1.swarm:5000/python-app:latest'));
    assert.equal(imageKey('<none>:<none>'), undefined);
    assert.equal(imageKey('${REGISTRY}/app'), undefined);
    assert.equal(imageKey(`app@sha256:${'c'.repeat(64)}`), undefined);
  });

  it('reports present, missing and not-yet-known nodes in node order', () => {
    const m = new ImagePresence();
    m.setNodes(['core-01', 'core-02', 'core-03']);
    m.replaceImages('core-02', [image(ID_A, ['python-app:latest'])]);
    m.replaceImages('core-01', [image(ID_B, ['redis:latest'])]);
    const r = m.report('python-app')!;
    assert.deepEqual(
      r.present.map((p) => p.node),
      ['core-02'],
    );
    assert.deepEqual(r.missing, ['core-01']);
    assert.deepEqual(r.unknown, ['core-03']);
    assert.equal(m.report('docker.io/library/redis')!.present[0].id, ID_B);
  });

  it('flags nodes holding another build of the same tag (the majority ID wins, then the newest)', () => {
    const m = new ImagePresence();
    m.setNodes(['core-01', 'core-02', 'core-03']);
    m.replaceImages('core-01', [image(ID_A, ['app:latest'], 100)]);
    m.replaceImages('core-02', [image(ID_A, ['app:latest'], 100)]);
    m.replaceImages('core-03', [image(ID_B, ['app:latest'], 200)]);
    const r = m.report('app:latest')!;
    assert.equal(r.mainId, ID_A);
    assert.deepEqual(
      r.differing.map((d) => d.node),
      ['core-03'],
    );
    assert.match(presenceSummary(r), /^3\/3 nodes · different build on core-03$/);
    assert.equal(presenceIcon(r), 'warning');

    m.setNodes(['core-01', 'core-03']);
    assert.equal(m.report('app:latest')!.mainId, ID_B, 'a tie goes to the newest build');
  });

  it('says 3/3 nodes, missing on …, and what is known of the registry', () => {
    const m = new ImagePresence();
    m.setNodes(['core-01', 'core-02', 'core-03']);
    for (const n of m.nodes) {
      m.replaceImages(n, [image(ID_A, ['m1.swarm:5000/python-app:latest'])]);
    }
    m.setRegistry('m1.swarm:5000/python-app', 'present');
    const all = m.report('m1.swarm:5000/python-app:latest')!;
    assert.equal(presenceSummary(all), '3/3 nodes · in registry');
    assert.equal(presenceIcon(all), 'check');
    m.replaceImages('core-02', []);
    m.replaceImages('core-03', []);
    assert.equal(
      presenceSummary(m.report('m1.swarm:5000/python-app')!),
      '1/3 nodes · missing on core-02, core-03 · in registry',
    );
    m.replaceImages('core-01', []);
    const none = m.report('m1.swarm:5000/python-app')!;
    assert.equal(presenceSummary(none), '0/3 nodes · in registry');
    assert.equal(presenceIcon(none), 'cloud');
  });

  it('shortens long lists of nodes', () => {
    const m = new ImagePresence();
    m.setNodes(['core-01', 'core-02', 'core-03', 'core-04', 'core-05']);
    m.replaceImages('core-01', [image(ID_A, ['app:latest'])]);
    for (const n of ['core-02', 'core-03', 'core-04', 'core-05']) {
      m.replaceImages(n, []);
    }
    assert.equal(presenceSummary(m.report('app')!), '1/5 nodes · missing on core-02, core-03 and 2 more');
  });

  it('treats a dropped node as unknown, not missing, and forgets nodes no longer followed', () => {
    const m = new ImagePresence();
    m.setNodes(['core-01', 'core-02']);
    m.replaceImages('core-01', [image(ID_A, ['app:latest'])]);
    m.replaceImages('core-02', [image(ID_A, ['app:latest'])]);
    m.forgetImages('core-02');
    const r = m.report('app')!;
    assert.deepEqual(r.unknown, ['core-02']);
    assert.equal(presenceSummary(r), '1/2 nodes · core-02 not reachable');
    m.setNodes(['core-01']);
    assert.equal(m.hasImages('core-02'), false);
    const fresh = new ImagePresence();
    fresh.setNodes(['core-01']);
    assert.equal(presenceSummary(fresh.report('app')!), 'checking 1 nodes…');
    assert.equal(presenceSummary(new ImagePresence().report('app')!), '');
  });

  it('tells listeners of real changes only (an identical list is no change)', () => {
    const m = new ImagePresence();
    let changes = 0;
    m.onDidChange(() => changes++);
    m.setNodes(['core-01']);
    m.replaceImages('core-01', [image(ID_A, ['app:latest'])]);
    const v = m.version;
    m.replaceImages('core-01', [image(ID_A, ['app:latest'])]);
    m.setNodes(['core-01']);
    m.setRegistry('app', undefined);
    assert.equal(m.version, v);
    assert.equal(changes, 2);
  });

  it('shortens image IDs as `docker images` does', () => {
    assert.equal(shortImageId(ID_A), 'aaaaaaaaaaaa');
  });
});
