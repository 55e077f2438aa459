import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import {
  ForwardedSocketAgent,
  HostKeyMismatchError,
  SshConnection,
  SshTarget,
} from '../../src/clients/ssh/sshConnection';
import { ground } from '../harness/ground';
import { waitFor } from '../harness/waitFor';
import { ensureBusyboxImage } from '../harness/testImages';

describe('SSH to a real sshd, and Docker through it', () => {
  let target: SshTarget;

  before(() => {
    const { ssh } = ground();
    target = {
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKey: ssh.privateKey,
      verifyHostKey: (key) => key.equals(ssh.hostKey),
    };
  });

  it('runs a command and returns its output and exit code', async () => {
    const conn = await SshConnection.open(target);
    try {
      const ok = await conn.exec(`printf '%s' "$((6 * 7))"`);
      assert.deepEqual([ok.code, ok.stdout], [0, '42']);
      const failed = await conn.exec('echo oops >&2; exit 3');
      assert.deepEqual([failed.code, failed.stderr], [3, 'oops\n']);
    } finally {
      conn.close();
    }
  });

  it('refuses a host whose key is not the expected one', async () => {
    await assert.rejects(
      SshConnection.open({ ...target, verifyHostKey: () => false }),
      (e) => e instanceof HostKeyMismatchError && /does not match/.test(e.message),
    );
  });

  it('returns at once when cancelled, marked cancelled', async () => {
    // OpenSSH honours the TERM it is sent only for non-root logins (it needs
    // privilege separation); that the remote process really ends is checked
    // with the lab's `core` user on the local lab's nodes.
    const conn = await SshConnection.open(target);
    try {
      const abort = new AbortController();
      const running = conn.exec('exec sleep 31', abort.signal);
      await waitFor('the remote sleep', async () => (await conn.exec('pgrep -fx "sleep 31"')).code === 0, 5_000);
      const t0 = Date.now();
      abort.abort();
      const result = await running;
      assert.equal(result.cancelled, true);
      assert.ok(Date.now() - t0 < 1_000);
      await conn.exec('pkill -fx "sleep 31"');
    } finally {
      conn.close();
    }
  });

  it("reaches the node's Docker socket through the same connection (no agent, no new handshake)", async () => {
    const { docker: daemon } = ground();
    const local = new Docker({ socketPath: daemon.socketPath });
    const image = await ensureBusyboxImage(local);
    const c = await local.createContainer({ Image: image, Cmd: ['true'] });
    const conn = await SshConnection.open(target);
    try {
      const engine = new DockerEngine({
        endpoint: parseDockerHost(`ssh://${target.username}@${target.host}:${target.port}`),
        agent: new ForwardedSocketAgent(conn, daemon.socketPath),
      });
      const [a, b] = await Promise.all([engine.listContainers(), engine.version()]);
      assert.ok(a.some((x) => x.id === c.id));
      assert.match(b.version, /^\d+\./);
    } finally {
      conn.close();
      await c.remove({ force: true });
    }
  });
});
