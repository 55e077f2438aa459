/**
 * `npm start`: VS Code (code-server) on 127.0.0.1 with Swarm Lab installed
 * from its .vsix and a lab workspace open. It uses the machine's Docker
 * engine when one answers, else starts a private one. Runs until Ctrl+C,
 * then stops everything it started.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { startCodeServer } from './codeServer';
import { startTestDockerDaemon, TestDockerDaemon } from './dockerDaemon';
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
  const workspace = path.join(CACHE_DIR, 'workspaces', 'start');
  fs.mkdirSync(workspace, { recursive: true });
  let docker: TestDockerDaemon | undefined;
  let dockerHost = process.env['DOCKER_HOST'] ?? '';
  if (!dockerHost && !(await socketAnswers('/var/run/docker.sock'))) {
    docker = await startTestDockerDaemon();
    dockerHost = docker.host;
    console.log(`No Docker engine answered on /var/run/docker.sock: started one at ${dockerHost}`);
  }
  const server = await startCodeServer({
    workspace,
    smokeTestDriver: false,
    installVsix: path.join(REPO_ROOT, 'dist', 'swarm-lab.vsix'),
    env: dockerHost ? { DOCKER_HOST: dockerHost } : {},
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
    await docker?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
