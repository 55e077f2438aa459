import { runSuiteInHost } from '../hostMocha';

/** VS Code's entry point for the vm tier's suite: run by test/vm/vmLab.test.ts once its VMs are up. */
export function run(): Promise<void> {
  return runSuiteInHost(__dirname);
}
