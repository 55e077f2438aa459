import * as path from 'node:path';
import { LabLayout, labLayout } from '../../src/localLab/labLayout';
import { CACHE_DIR } from './paths';

/**
 * The tests' local lab: instance 1 (10.213.9.0/24) beside a developer's own
 * (instance 0), unless SWARM_LAB_TEST_INSTANCE picks another, so that two
 * checkouts can run their lab tiers at once.
 */
export const TEST_LAB_INSTANCE = Number(process.env['SWARM_LAB_TEST_INSTANCE'] ?? 1);

export const TEST_LAB_STATE_DIR = path.join(
  CACHE_DIR,
  TEST_LAB_INSTANCE === 1 ? 'lab-test' : `lab-test-${TEST_LAB_INSTANCE}`,
);

/** The layout the extension under test sees, from the environment the tier runner gives it. */
export function testLabLayout(nodes = 3): LabLayout {
  const instance = Number(process.env['SWARM_LAB_INSTANCE'] ?? TEST_LAB_INSTANCE);
  return labLayout(process.env['SWARM_LAB_STATE'] ?? TEST_LAB_STATE_DIR, nodes, instance);
}
