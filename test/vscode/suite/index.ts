import { runSuiteInHost } from '../hostMocha';

/** The standard entry point VS Code calls in the extension host. */
export function run(): Promise<void> {
  return runSuiteInHost(__dirname);
}
