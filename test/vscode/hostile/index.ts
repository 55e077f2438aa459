import { runSuiteInHost } from '../hostMocha';

/** The hostile-workspace suite: VS Code opens test/fixtures/hostile untrusted (restricted mode). */
export function run(): Promise<void> {
  return runSuiteInHost(__dirname);
}
