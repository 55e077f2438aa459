import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, REPO_ROOT } from './paths';

/**
 * A fresh copy of the test workspace per run, so a test that edits a file
 * never edits the fixture in the repository.
 */
export function freshWorkspace(name: string, fixture = 'workspace'): string {
  const target = path.join(CACHE_DIR, 'workspaces', name);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', fixture), target, { recursive: true });
  return target;
}
