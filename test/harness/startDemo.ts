/**
 * `npm start`: brings the local lab up (3 nodes with the lab's images, not in
 * a swarm: building it is the lab's exercise), then serves VS Code
 * (code-server) on 127.0.0.1 with Swarm Lab installed from its .vsix and the
 * lab's sample project open. Runs until Ctrl+C, then stops what it started.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { startCodeServer } from './codeServer';
import { LocalLab } from '../../src/localLab/localLab';
import { DEFAULT_STATE_DIR, IMAGE_CACHE_DIR, SAMPLES_DIR } from '../../src/localLab/cli';
import { CACHE_DIR, REPO_ROOT } from './paths';

function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  // The student's working copy of the sample: made once, never overwritten
  // (SWARM_LAB_WORKSPACE puts it elsewhere: a test's own copy).
  const workspace = process.env['SWARM_LAB_WORKSPACE'] ?? path.join(CACHE_DIR, 'workspaces', 'tp1');
  if (!fs.existsSync(workspace)) {
    fs.cpSync(SAMPLES_DIR, workspace, { recursive: true });
  }
  // SWARM_LAB_STATE puts the lab elsewhere (as for `npm run lab`); a lab already running is adopted wherever it is.
  const lab = new LocalLab(
    process.env['SWARM_LAB_STATE'] ?? DEFAULT_STATE_DIR,
    (line) => console.log(`  ${line}`),
    0,
    IMAGE_CACHE_DIR,
  );
  console.log('Bringing the local lab up (3 nodes)…');
  const { layout, outcomes, adopted } = await lab.up(3);
  if (adopted) {
    console.log(`The lab in ${adopted} is already running on this machine: using it.`);
  }
  const startedLab = !adopted && [...outcomes.values()].some((o) => o !== 'already up');
  await lab.loadImages(layout, { cacheDir: IMAGE_CACHE_DIR, samplesDir: SAMPLES_DIR });
  console.log(`Lab nodes: ssh -F ${layout.sshConfig} core-01`);
  // The Containers view shows this machine's engine; without one, core-01's.
  let dockerHost = process.env['DOCKER_HOST'] ?? '';
  if (!dockerHost && !(await socketAnswers('/var/run/docker.sock'))) {
    dockerHost = `unix://${layout.nodes[0].dockerSocket}`;
  }
  const server = await startCodeServer({
    workspace,
    smokeTestDriver: false,
    installVsix: path.join(REPO_ROOT, 'dist', 'swarm-lab.vsix'),
    // The extension finds a running lab by itself; these say where this one and its images live.
    env: {
      SWARM_LAB_STATE: layout.stateDir,
      SWARM_LAB_IMAGE_CACHE: IMAGE_CACHE_DIR,
      ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}),
    },
    port: Number(process.env['SWARM_LAB_PORT'] ?? 0),
  });
  console.log(`\nSwarm Lab is running in VS Code at:\n\n  ${server.workspaceUrl()}\n\nPress Ctrl+C to stop.`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log('\nStopping…');
    await server.stop();
    if (startedLab) {
      await lab.down();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
