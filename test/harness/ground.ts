import type { TestDockerDaemon } from './dockerDaemon';
import type { TestSshDaemon } from './sshDaemon';

/**
 * The real daemons a tier runs against, started once by the tier runner
 * before mocha loads the tests, and stopped after.
 */
export interface TestGround {
  readonly docker?: TestDockerDaemon;
  readonly ssh?: TestSshDaemon;
  /** Environment that points the extension at the tests' local lab (instance 1). */
  readonly labEnv?: Record<string, string>;
}

let current: TestGround = {};

export function setGround(ground: TestGround): void {
  current = ground;
}

export function ground(): Required<TestGround> {
  if (!current.docker || !current.ssh) {
    throw new Error('this test needs the integration ground: run it through `npm run test:integration`');
  }
  return current as Required<TestGround>;
}

export function labEnv(): Record<string, string> {
  if (!current.labEnv) {
    throw new Error("this test needs the tests' local lab: run it through its tier runner");
  }
  return current.labEnv;
}

export function dockerGround(): TestDockerDaemon {
  if (!current.docker) {
    throw new Error('this test needs a test dockerd: run it through its tier runner');
  }
  return current.docker;
}
