import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editOf, planOf, planText, vagrantCases } from './vagrantCases';

const CLASSES = ['count', 'disk', 'done', 'nodisk', 'libvirt', 'handwritten', 'reader'];

describe('Vagrantfiles as people write them (test/fixtures/vagrant/cases)', () => {
  const cases = vagrantCases();

  it('has at least 8 cases per class, each of a class', () => {
    for (const c of CLASSES) {
      const n = cases.filter((x) => x.name.startsWith(`${c}-`)).length;
      assert.ok(n >= 8, `${c}: ${n} cases`);
    }
    assert.deepEqual(
      cases.filter((x) => !CLASSES.some((c) => x.name.startsWith(`${c}-`))).map((x) => x.name),
      [],
    );
  });

  for (const c of cases) {
    describe(c.name, () => {
      it('derives the expected machines without running vagrant', () => {
        assert.equal(planText(planOf(c)), c.files.get('expected-plan.txt'));
      });

      if (!c.changes) {
        return;
      }
      const error = c.files.get('expected-error.txt');
      if (error !== undefined) {
        it('refuses the change with the reason, both files untouched', () => {
          const edit = editOf(c);
          assert.equal(edit.ok, false);
          assert.equal(edit.ok ? '' : `${edit.error}\n`, error);
        });
        return;
      }
      it('changes the files to the expected bytes, then has nothing left to do', () => {
        const edit = editOf(c);
        assert.ok(edit.ok, edit.ok ? '' : edit.error);
        assert.equal(edit.text, c.files.get('expected.Vagrantfile'));
        assert.equal(edit.configRb?.text, c.files.get('expected.config.rb'));
        const again = editOf(
          {
            ...c,
            vagrantfile: edit.text,
            ...(edit.configRb ? { configRb: edit.configRb.text } : {}),
          },
          c.changes,
        );
        assert.ok(again.ok && !again.changed, 'a second run changes nothing');
        if (c.name.startsWith('done-')) {
          assert.equal(edit.changed, false, 'already done: nothing to change');
          assert.equal(edit.text, c.vagrantfile, 'byte-identical');
        }
      });
    });
  }

  it("gives files Ruby accepts (ruby comes with Debian's vagrant)", function () {
    this.timeout(60_000); // one ruby per file
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-cases-'));
    try {
      for (const c of cases) {
        for (const name of ['expected.Vagrantfile', 'expected.config.rb']) {
          const text = c.files.get(name);
          if (text !== undefined) {
            const file = path.join(dir, `${c.name}-${name}.rb`);
            fs.writeFileSync(file, text);
            assert.match(execFileSync('ruby', ['-c', file], { encoding: 'utf8' }), /Syntax OK/, `${c.name} ${name}`);
          }
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
