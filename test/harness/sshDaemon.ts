import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_DIR } from './paths';
import { spawnGroup, stopGroup, waitForLogLine } from './processes';
import { freePort } from './testNet';

export interface TestSshDaemon {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string;
  /** The server's host key as SSH wire-format bytes (what ssh2's hostVerifier sees). */
  readonly hostKey: Buffer;
  /** Read by sshd at each login: tests may append keys (passphrase-protected ones, agent keys). */
  readonly authorizedKeysFile: string;
  stop(): Promise<void>;
}

/**
 * A real OpenSSH server on loopback for the tests: its own host key, one
 * generated client key, no passwords, no PAM; Unix-socket forwarding on
 * (Docker's API is reached through it).
 */
export async function startTestSshDaemon(): Promise<TestSshDaemon> {
  const dir = path.join(RUN_DIR, 'sshd');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
  const hostKeyFile = path.join(dir, 'host_ed25519');
  const clientKeyFile = path.join(dir, 'client_ed25519');
  for (const f of [hostKeyFile, clientKeyFile]) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'swarm-lab-test', '-f', f]);
  }
  const authorizedKeysFile = path.join(dir, 'authorized_keys');
  fs.copyFileSync(`${clientKeyFile}.pub`, authorizedKeysFile);
  const port = await freePort();
  const user = os.userInfo().username;
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKeyFile}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeysFile}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowStreamLocalForwarding yes',
      // Debian's sshd also gates Unix-socket forwarding on this one.
      'AllowTcpForwarding local',
      'X11Forwarding no',
      'PrintMotd no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  const logFile = path.join(dir, 'sshd.log');
  fs.writeFileSync(logFile, '');
  const child = spawnGroup('/usr/sbin/sshd', ['-D', '-e', '-f', config], { logFile });
  await waitForLogLine(child, logFile, /Server listening on 127\.0\.0\.1 port \d+/, 15_000);
  const hostKey = Buffer.from(fs.readFileSync(`${hostKeyFile}.pub`, 'utf8').split(' ')[1], 'base64');
  return {
    host: '127.0.0.1',
    port,
    username: user,
    privateKey: fs.readFileSync(clientKeyFile, 'utf8'),
    hostKey,
    authorizedKeysFile,
    stop: async () => {
      await stopGroup(child, 5_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
