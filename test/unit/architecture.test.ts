import * as assert from 'node:assert/strict';
import { read, sourceFiles } from './repoFiles';

describe('architecture', () => {
  it('keeps the vscode API out of core/ and clients/', () => {
    const offenders = [...sourceFiles('src/core'), ...sourceFiles('src/clients')].filter((f) =>
      /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(read(f)),
    );
    assert.deepEqual(offenders, []);
  });

  it('keeps heavy libraries out of the activation path (loaded on first use)', () => {
    const eager = sourceFiles('src').filter((f) =>
      /^import (?!type )[^;]*from ['"](dockerode|ssh2|markdown-it|yaml)['"]/m.test(read(f)),
    );
    assert.deepEqual(eager, []);
  });

  it('has no file over 400 lines', () => {
    const long = sourceFiles('src').filter((f) => read(f).split('\n').length > 400);
    assert.deepEqual(long, []);
  });
});
