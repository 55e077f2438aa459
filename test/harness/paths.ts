import * as crypto from 'node:crypto';
import * as path from 'node:path';

/** The clone's root (out/test/harness/ → ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Git-ignored: caches kept between runs (images, tools). */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
export const TOOLS_DIR = path.join(REPO_ROOT, '.tools');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/**
 * Sockets must stay short (108 bytes for a Unix path), and two clones must
 * not share a daemon: runtime files live under /run with a per-clone hash.
 */
export const RUN_DIR = `/run/swarm-lab-test-${crypto.createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 8)}`;

/** Where the ui tier's npmStart test leaves ui.first_hour_s for `npm run bench`. */
export const FIRST_HOUR_FILE = path.join(RESULTS_DIR, 'ui-first-hour.json');
/** The hostile-workspace suites' cases, one line each: what was tried and whether it held. */
export const HOSTILE_CASES_FILE = path.join(RESULTS_DIR, 'hostile-cases.jsonl');
