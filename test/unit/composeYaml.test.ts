import * as assert from 'node:assert/strict';
import type * as Yaml from 'yaml';
import { analyzeCompose } from '../../src/core/compose/composeImages';
import { loadYaml, parseCompose } from '../../src/core/compose/composeYaml';

describe('compose YAML: aliases', () => {
  it('resolves an alias to the last anchor of that name before it, as yaml does', async () => {
    const text = [
      'services:',
      '  first: &base',
      '    image: first:1',
      '    build: .',
      '  second:',
      '    <<: *base',
      '  third: &base',
      '    image: third:1',
      '    build: .',
      '  fourth:',
      '    <<: *base',
      '',
    ].join('\n');
    const a = await analyzeCompose(text, { registry: 'm1.swarm:5000' });
    assert.deepEqual(
      a.services.map((s) => [s.name, s.image?.value, s.image?.via]),
      [
        ['first', 'first:1', undefined],
        ['second', 'first:1', 'base'],
        ['third', 'third:1', undefined],
        ['fourth', 'third:1', 'base'],
      ],
    );
  });

  it("never calls yaml's Alias.resolve, which walks the whole document for each alias", async () => {
    // With one merge per service that walk made a 300-service file take
    // seconds; anchors are now found in one walk per document.
    const Y = await loadYaml();
    const proto = Y.Alias.prototype as { resolve: (...args: unknown[]) => unknown };
    const original = proto.resolve;
    let calls = 0;
    proto.resolve = function (this: Yaml.Alias, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
    try {
      const text = ['x: &common', '  restart: always', 'services:']
        .concat(
          Array.from({ length: 30 }, (_, i) => `  s${i}:\n    <<: *common\n    image: m1.swarm:5000/s${i}:latest`),
        )
        .join('\n');
      const a = await analyzeCompose(text, { registry: 'm1.swarm:5000' });
      assert.equal(a.services.length, 30);
      // `build:` is looked for through the merge key of every service.
      assert.ok(a.services.every((s) => !s.build && s.flip?.to === 'local'));
    } finally {
      proto.resolve = original;
    }
    assert.equal(calls, 0);
  });
});

describe('compose YAML: duplicate keys', () => {
  // The parse turns yaml's quadratic uniqueKeys check off and finds duplicates in its own walk.
  const cases = [
    'services:\n  a:\n    image: x\n    image: y\n',
    'services:\n  a: {image: x, build: ., image: y}\n',
    'services:\n  a: &a\n    image: x\n  a: *a\n',
    'x: &c\n  init: true\nservices:\n  a:\n    <<: *c\n    <<: *c\n    image: y\n',
    '1: one\n"1": text\n2: two\n2: again\n',
    '.nan: a\n.nan: b\nnull: c\n~: d\n',
    '- a: 1\n  a: 2\n- [b: 1, b: 2]\n- {c: 1, c: 2}\n',
    'a: 1\n---\na: 2\nb: {x: 1}\nb: 3\n',
    'services:\n  a:\n    image: "x\n',
  ];
  for (const text of cases) {
    it(`reports what yaml's own check reports: ${JSON.stringify(text)}`, async () => {
      const Y = await loadYaml();
      const theirs = Y.parseAllDocuments(text, { merge: true })
        .flatMap((d) => d.errors)
        .map((e) => [e.code, e.pos[0]]);
      const ours = parseCompose(Y, text).errors.map((e) => [e.code, e.pos[0]]);
      assert.deepEqual(ours, theirs);
    });
  }
});
