import * as assert from 'node:assert/strict';
import { composeBuild } from '../../src/core/compose/composeBuilds';

describe('compose builds', () => {
  it('reads build: as a folder', async () => {
    const r = await composeBuild('services:\n  app:\n    build: ./python-app\n', 'app');
    assert.deepEqual(r, { ok: true, build: { context: './python-app', args: {} } });
  });

  it('reads build: as a mapping, with args as a mapping or a list', async () => {
    const text = [
      'services:',
      '  a:',
      '    build:',
      '      context: ./a',
      '      dockerfile: Dockerfile.lab',
      '      target: prod',
      '      args: {VERSION: 3, EMPTY: null}',
      '  b:',
      '    build:',
      '      args: ["X=1", "Y=a=b", "NOVALUE"]',
      '',
    ].join('\n');
    assert.deepEqual(await composeBuild(text, 'a'), {
      ok: true,
      build: { context: './a', dockerfile: 'Dockerfile.lab', target: 'prod', args: { VERSION: '3' } },
    });
    assert.deepEqual(await composeBuild(text, 'b'), { ok: true, build: { context: '.', args: { X: '1', Y: 'a=b' } } });
  });

  it('follows merge keys and later documents, as Compose does', async () => {
    const text = 'x: &b\n  build: ./base\nservices:\n  app:\n    <<: *b\n---\nservices:\n  web:\n    build: ./web\n';
    assert.deepEqual(await composeBuild(text, 'app'), { ok: true, build: { context: './base', args: {} } });
    assert.deepEqual(await composeBuild(text, 'web'), { ok: true, build: { context: './web', args: {} } });
  });

  it('refuses what it cannot know or build, with a reason', async () => {
    const cases: [string, RegExp][] = [
      ['services:\n  app:\n    build: ${DIR}\n', /variables/],
      ['services:\n  app:\n    build:\n      context: .\n      args: {A: $HOME}\n', /variables/],
      ['services:\n  app:\n    image: x\n', /no build/],
      ['services:\n  app:\n    build: [a]\n', /neither a folder nor a mapping/],
      ['services:\n  app:\n    build:\n      dockerfile_inline: FROM scratch\n', /dockerfile_inline/],
      ['services:\n  app: "unclosed\n', /not valid YAML/],
    ];
    for (const [text, why] of cases) {
      const r = await composeBuild(text, 'app');
      assert.equal(r.ok, false, text);
      assert.match(r.ok ? '' : r.message, why, text);
    }
  });
});
