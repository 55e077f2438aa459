import * as assert from 'node:assert/strict';
import { read, sourceFiles } from './repoFiles';

describe('architecture', () => {
  it('keeps the vscode API out of core/, clients/ and vm/', () => {
    const offenders = [...sourceFiles('src/core'), ...sourceFiles('src/clients'), ...sourceFiles('src/vm')].filter(
      (f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(read(f)),
    );
    assert.deepEqual(offenders, []);
  });

  it('keeps heavy libraries out of the activation path (loaded on first use)', () => {
    const eager = sourceFiles('src').filter((f) =>
      /^import (?!type )[^;]*from ['"](dockerode|ssh2|markdown-it|yaml)['"]/m.test(read(f)),
    );
    assert.deepEqual(eager, []);
  });

  it('shows every notification through editor/notify (short text, the details behind Show Log)', () => {
    const helper = 'src/editor/notify.ts';
    const bypasses = sourceFiles('src')
      .filter((f) => f !== helper)
      .flatMap((f) =>
        read(f)
          .split('\n')
          .map((line, i) => (/\bshow(?:Error|Warning|Information)Message\b/.test(line) ? `${f}:${i + 1}` : ''))
          .filter((where) => where !== ''),
      );
    assert.deepEqual(bypasses, []);
  });

  it('has no file over 400 lines', () => {
    const long = sourceFiles('src').filter((f) => read(f).split('\n').length > 400);
    assert.deepEqual(long, []);
  });
});
