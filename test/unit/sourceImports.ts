import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, read } from './repoFiles';

export interface SourceImport {
  /** The importing file, relative to the repository. */
  readonly from: string;
  /** The imported file (its .ts or index.ts), relative to the repository. */
  readonly to: string;
  /** `import type` or `export type`: gone at run time. */
  readonly typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The relative imports of a source file, resolved to files (library imports left out). */
export function importsOf(file: string): SourceImport[] {
  const found: SourceImport[] = [];
  for (const m of read(file).matchAll(IMPORT)) {
    const base = path.join(path.dirname(file), m[3]);
    const to = [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => fs.existsSync(path.join(ROOT, c)));
    if (to) {
      found.push({ from: file, to: path.normalize(to), typeOnly: m[2] !== undefined });
    }
  }
  return found;
}

/** The run-time import cycles among `files` (type-only imports left out), each as the files around it. */
export function importCycles(files: readonly string[]): string[][] {
  const edges = new Map(
    files.map((f) => [
      f,
      importsOf(f)
        .filter((i) => !i.typeOnly)
        .map((i) => i.to),
    ]),
  );
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const next of edges.get(f) ?? []) {
      if (state.get(next) === 'open') {
        cycles.push(stack.slice(stack.indexOf(next)));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(f, 'done');
  };
  files.forEach((f) => state.has(f) || visit(f));
  return cycles;
}
