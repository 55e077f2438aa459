import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, RUN_DIR } from './paths';
import { spawnGroup, stopGroup, waitForLogLine } from './processes';

export interface TestDockerDaemon {
  /** `unix://…` for DOCKER_HOST. */
  readonly host: string;
  readonly socketPath: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/**
 * A real dockerd (Debian's docker.io) private to the tests: its own socket,
 * data root, exec root and containerd namespace, no bridge and no iptables,
 * so it never touches a Docker engine the developer may also run.
 * The data root is kept between runs so built test images stay cached.
 */
export async function startTestDockerDaemon(): Promise<TestDockerDaemon> {
  const runDir = path.join(RUN_DIR, 'docker');
  const socketPath = path.join(runDir, 'docker.sock');
  const pidFile = path.join(runDir, 'docker.pid');
  const logFile = path.join(CACHE_DIR, 'test-docker.log');
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  killStale(pidFile);
  fs.rmSync(socketPath, { force: true });
  fs.writeFileSync(logFile, '');

  const child: ChildProcess = spawnGroup(
    'dockerd',
    [
      '--host',
      `unix://${socketPath}`,
      '--data-root',
      path.join(CACHE_DIR, 'test-docker'),
      '--exec-root',
      path.join(runDir, 'exec'),
      '--pidfile',
      pidFile,
      '--containerd-namespace',
      'swarm-lab-test',
      '--containerd-plugins-namespace',
      'swarm-lab-test-plugins',
      '--bridge',
      'none',
      '--iptables=false',
      '--ip6tables=false',
      '--shutdown-timeout',
      '2',
      '--log-opt',
      'max-size=1m',
    ],
    {
      logFile,
      // Tasks must not try a registry first: none is reachable here.
      env: { ...process.env, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: '1' },
    },
  );
  await waitForLogLine(child, logFile, /API listen on/, 60_000);
  await removeAllContainers(socketPath);
  return {
    host: `unix://${socketPath}`,
    socketPath,
    logFile,
    stop: () => stopGroup(child, 15_000),
  };
}

/** Images are kept between runs; containers a crashed run left behind are not. */
async function removeAllContainers(socketPath: string): Promise<void> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker({ socketPath });
  const all = await docker.listContainers({ all: true });
  await Promise.all(all.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

function killStale(pidFile: string): void {
  if (!fs.existsSync(pidFile)) {
    return;
  }
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // not running any more
    }
  }
  fs.rmSync(pidFile, { force: true });
}
