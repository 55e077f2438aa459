import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshConnection } from '../../src/clients/ssh/sshConnection';
import { commandLine } from '../../src/core/shell/shellQuote';
import { ground } from '../harness/ground';
import { waitFor } from '../harness/waitFor';

describe('SSH for the lab steps: streamed output, standard input, SFTP uploads (real sshd)', () => {
  let conn: SshConnection;
  let dir: string;

  before(async () => {
    const { ssh } = ground();
    conn = await SshConnection.open({
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKey: ssh.privateKey,
      verifyHostKey: (key) => key.equals(ssh.hostKey),
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-sftp-'));
  });

  after(() => {
    conn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands output over as it comes, before the command ends, and still returns all of it', async () => {
    const go = path.join(dir, 'go');
    const chunks: string[] = [];
    const running = conn.exec(
      `printf 'first\\n'; until [ -e ${commandLine([go])} ]; do sleep 0.05; done; printf 'second\\n' >&2`,
      { onStdout: (c) => chunks.push(`out:${c}`), onStderr: (c) => chunks.push(`err:${c}`) },
    );
    await waitFor('the first line, while the command still runs', () => chunks.includes('out:first\n'), 10_000);
    fs.writeFileSync(go, '');
    const result = await running;
    assert.deepEqual(chunks, ['out:first\n', 'err:second\n']);
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'first\n', 'second\n']);
  });

  it('passes standard input, then closes it', async () => {
    const result = await conn.exec('cat; echo end', { stdin: 'é\n' });
    assert.equal(result.stdout, 'é\nend\n');
  });

  it('uploads a file with its mode, replacing an existing one atomically and leaving no temporary file', async () => {
    const file = path.join(dir, 'daemon.json');
    fs.writeFileSync(file, 'old');
    await conn.upload(file, '{"experimental": true}\n', { mode: 0o600 });
    assert.equal(fs.readFileSync(file, 'utf8'), '{"experimental": true}\n');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('swarm-lab')),
      [],
    );
    await assert.rejects(conn.upload(path.join(dir, 'missing', 'x'), 'x'));
  });
});
