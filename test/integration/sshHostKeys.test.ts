import * as assert from 'node:assert/strict';
import { ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeSshError, MachineConnection } from '../../src/clients/machines/machineConnection';
import {
  HostKeyChangedError,
  HostKeyDeclinedError,
  HostKeyPolicy,
  HostKeyRevokedError,
  UnknownHostQuestion,
} from '../../src/clients/ssh/hostKeyPolicy';
import { SshConnection, SshTarget } from '../../src/clients/ssh/sshConnection';
import { IdentityLoader } from '../../src/clients/ssh/sshIdentity';
import { english } from '../../src/core/l10n';
import { MachineDefinition } from '../../src/core/machines/machine';
import { fingerprint } from '../../src/core/ssh/knownHosts';
import { ground } from '../harness/ground';
import { spawnGroup, stopGroup } from '../harness/processes';
import { startTestSshDaemon, TestSshDaemon } from '../harness/sshDaemon';
import { freePort } from '../harness/testNet';
import { waitFor } from '../harness/waitFor';

/**
 * known_hosts, keys, passphrases and the agent against a real OpenSSH
 * server. Runs in the integration tier (its sshd), or alone with
 * `npx mocha out/test/integration/sshHostKeys.test.js` (it starts its own).
 */
describe('SSH host keys and identities against a real sshd', function () {
  this.timeout(30_000);
  let ssh: TestSshDaemon;
  let ownDaemon = false;
  let dir: string;
  let knownHosts: string;
  let clientKeyFile: string;
  let questions: UnknownHostQuestion[];

  before(async () => {
    try {
      ssh = ground().ssh;
    } catch {
      ssh = await startTestSshDaemon();
      ownDaemon = true;
    }
  });
  after(async () => {
    if (ownDaemon) {
      await ssh.stop();
    }
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-hostkeys-'));
    knownHosts = path.join(dir, 'home', '.ssh', 'known_hosts');
    clientKeyFile = path.join(dir, 'client_key');
    fs.writeFileSync(clientKeyFile, ssh.privateKey, { mode: 0o600 });
    questions = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const policy = (answer = true, delayMs = 0): HostKeyPolicy =>
    new HostKeyPolicy({
      knownHostsFile: knownHosts,
      confirmUnknownHost: async (q) => {
        questions.push(q);
        await new Promise((r) => setTimeout(r, delayMs));
        return answer;
      },
    });
  const target = (p: HostKeyPolicy, extra: Partial<SshTarget> = {}): SshTarget => ({
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    privateKey: ssh.privateKey,
    verifyHostKey: p.verifier(ssh.host, ssh.port),
    ...extra,
  });
  const machine = (extra: Partial<MachineDefinition> = {}): MachineDefinition => ({
    id: 'ssh:test',
    name: 'test',
    source: 'ssh',
    host: ssh.host,
    port: ssh.port,
    user: ssh.username,
    identityFile: clientKeyFile,
    ...extra,
  });
  const serverLine = (marker = ''): string =>
    `${marker}[${ssh.host}]:${ssh.port} ssh-ed25519 ${ssh.hostKey.toString('base64')}\n`;
  const writeKnownHosts = (text: string): void => {
    fs.mkdirSync(path.dirname(knownHosts), { recursive: true, mode: 0o700 });
    fs.writeFileSync(knownHosts, text);
  };

  it('asks once for an unknown host, even for three connections at once, and saves a line ssh finds', async () => {
    const p = policy(true, 300);
    const conns = await Promise.all([1, 2, 3].map(() => SshConnection.open(target(p))));
    conns.forEach((c) => c.close());
    assert.equal(questions.length, 1);
    assert.equal(questions[0].fingerprint, fingerprint(ssh.hostKey));
    assert.equal(questions[0].keyType, 'ssh-ed25519');
    assert.equal(fs.statSync(path.dirname(knownHosts)).mode & 0o777, 0o700);
    // OpenSSH's own tool finds our hashed line under the name ssh would look up.
    const found = execFileSync('ssh-keygen', ['-F', `[${ssh.host}]:${ssh.port}`, '-f', knownHosts], {
      encoding: 'utf8',
    });
    assert.match(found, /ssh-ed25519/);
    // A second connection, even from a new session reading the file, does not ask.
    (await SshConnection.open(target(policy(false)))).close();
    assert.equal(questions.length, 1);
  });

  it('keeps the handshake alive while the user reads the question', async () => {
    const conn = await SshConnection.open(target(policy(true, 1_500), { readyTimeoutMs: 500 }));
    const result = await conn.exec('echo ok');
    conn.close();
    assert.equal(result.stdout, 'ok\n');
  });

  it('refuses a changed key with the clear error, asks nothing and leaves the file untouched', async () => {
    const otherKey = 'AAAAC3NzaC1lZDI1NTE5AAAAICSgm+zqpHkxbzzKEqGS6Qrr7thbVt9x96gZYav7RaUH';
    writeKnownHosts(`# mine\n[${ssh.host}]:${ssh.port} ssh-ed25519 ${otherKey}\n`);
    const before = fs.readFileSync(knownHosts);
    const mtime = fs.statSync(knownHosts).mtimeMs;
    const error = await SshConnection.open(target(policy())).then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof HostKeyChangedError);
    assert.equal(
      error.message,
      `The host key of ${ssh.host}:${ssh.port} changed: expected ${fingerprint(otherKey)}, got ${fingerprint(ssh.hostKey)}. ` +
        `Swarm Lab refuses to connect. If this change is expected, remove line 2 of ${knownHosts}.`,
    );
    assert.equal(questions.length, 0);
    assert.deepEqual(fs.readFileSync(knownHosts), before);
    assert.equal(fs.statSync(knownHosts).mtimeMs, mtime);
  });

  it('refuses a revoked key, and a key the user declined', async () => {
    writeKnownHosts(serverLine('@revoked '));
    await assert.rejects(SshConnection.open(target(policy())), HostKeyRevokedError);
    fs.rmSync(knownHosts);
    await assert.rejects(SshConnection.open(target(policy(false))), HostKeyDeclinedError);
    assert.equal(questions.length, 1);
    assert.equal(fs.existsSync(knownHosts), false);
  });

  it("keeps a pinned key's path: no known_hosts read, no question", async () => {
    writeKnownHosts(serverLine('@revoked ')); // would refuse if it were read
    const pinned = `ssh-ed25519 ${ssh.hostKey.toString('base64')} test`;
    const conn = new MachineConnection(machine({ hostKey: pinned }), english, { hostKeys: policy() });
    await conn.engine();
    conn.close();
    assert.equal(questions.length, 0);
  });

  it('gives auth failure, refused connection, changed key and missing key file each their own message', async () => {
    writeKnownHosts(serverLine());
    const hostKeys = policy(false);
    const reason = async (m: MachineDefinition): Promise<string> => {
      const state = await new MachineConnection(m, english, { hostKeys }).probe();
      assert.equal(state.kind, 'unreachable');
      return state.kind === 'unreachable' ? state.reason : '';
    };
    const strangerKey = path.join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', strangerKey]);
    const closedPort = await freePort();
    const auth = await reason(machine({ identityFile: strangerKey }));
    const refused = await reason(machine({ port: closedPort }));
    const missing = await reason(machine({ identityFile: path.join(dir, 'nope') }));
    writeKnownHosts(
      `[${ssh.host}]:${ssh.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB/1hvp7TCanCkEXXtVimxjWA8aNDhHgsQH0FdSwOeU2\n`,
    );
    const changed = await reason(machine());
    assert.equal(auth, `${ssh.username}@${ssh.host}:${ssh.port} refused the key ${strangerKey}.`);
    assert.equal(refused, `${ssh.username}@${ssh.host}:${closedPort} refused the connection: is sshd running?`);
    assert.equal(missing, `The key file ${path.join(dir, 'nope')} does not exist.`);
    assert.match(changed, /^The host key of .* changed: expected SHA256:.*, got SHA256:/);
    assert.equal(describeSshError(new HostKeyDeclinedError('x', 'h', 22, 'f'), machine()), 'x');
  });

  describe('identities', () => {
    let protectedKey: string;
    let agent: ChildProcess | undefined;
    let agentSocket: string;
    const passphrase = 'correct horse';

    beforeEach(() => {
      protectedKey = path.join(dir, 'protected_ed25519');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'protected', '-f', protectedKey]);
      fs.appendFileSync(ssh.authorizedKeysFile, fs.readFileSync(`${protectedKey}.pub`));
      writeKnownHosts(serverLine());
    });
    afterEach(async () => {
      // Leave the shared sshd's authorized_keys as it was.
      const pub = fs.readFileSync(`${protectedKey}.pub`, 'utf8');
      fs.writeFileSync(ssh.authorizedKeysFile, fs.readFileSync(ssh.authorizedKeysFile, 'utf8').replace(pub, ''));
      if (agent) {
        await stopGroup(agent, 2_000);
        agent = undefined;
      }
    });

    async function startAgent(withKey: string): Promise<void> {
      agentSocket = path.join(dir, 'agent.sock');
      agent = spawnGroup('ssh-agent', ['-D', '-a', agentSocket], { logFile: path.join(dir, 'agent.log') });
      await waitFor('the ssh-agent socket', () => fs.existsSync(agentSocket), 5_000);
      execFileSync('ssh-add', ['-q', withKey], {
        env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
        stdio: 'ignore',
      });
    }

    it('asks the passphrase of a protected key until right, once for all connections of the session', async () => {
      const asked: number[] = [];
      const identities = new IdentityLoader(({ attempt }) => {
        asked.push(attempt);
        return Promise.resolve(attempt === 1 ? 'wrong' : passphrase);
      });
      const m = machine({ identityFile: protectedKey });
      const conns = [1, 2].map(() => new MachineConnection(m, english, { hostKeys: policy(), identities }));
      await Promise.all(conns.map((c) => c.engine()));
      conns.forEach((c) => c.close());
      assert.deepEqual(asked, [1, 2]);
    });

    it('says so when the passphrase is not given, or cannot be asked', async () => {
      const m = machine({ identityFile: protectedKey });
      const cancelled = await new MachineConnection(m, english, {
        hostKeys: policy(),
        identities: new IdentityLoader(() => Promise.resolve(undefined)),
      }).probe();
      assert.deepEqual(cancelled, {
        kind: 'unreachable',
        reason: `No passphrase was given for the key ${protectedKey}.`,
      });
      const noPrompt = await new MachineConnection(m, english, {
        hostKeys: policy(),
        identities: new IdentityLoader(),
      }).probe();
      assert.match(
        noPrompt.kind === 'unreachable' ? noPrompt.reason : '',
        /protected by a passphrase: add it to ssh-agent/,
      );
    });

    it('uses the agent first, so a key it holds needs no passphrase; the agent alone is enough', async () => {
      await startAgent(clientKeyFile);
      const asked: number[] = [];
      const identities = new IdentityLoader(({ attempt }) => (asked.push(attempt), Promise.resolve(passphrase)));
      const both = new MachineConnection(machine({ identityFile: protectedKey, agent: agentSocket }), english, {
        hostKeys: policy(),
        identities,
      });
      await both.engine();
      both.close();
      assert.deepEqual(asked, []);
      const agentOnly = new MachineConnection(machine({ identityFile: '', agent: agentSocket }), english, {
        hostKeys: policy(),
      });
      await agentOnly.engine();
      agentOnly.close();
    });

    it('goes on with the key file when the agent socket is stale, and says so when the agent was all there was', async () => {
      const stale = path.join(dir, 'gone.sock');
      const withKey = new MachineConnection(machine({ agent: stale }), english, {
        hostKeys: policy(),
        identities: new IdentityLoader(),
      });
      await withKey.engine();
      withKey.close();
      const state = await new MachineConnection(machine({ identityFile: '', agent: stale }), english, {
        hostKeys: policy(),
      }).probe();
      assert.match(
        state.kind === 'unreachable' ? state.reason : '',
        new RegExp(`^The ssh-agent at ${stale} cannot be used: `),
      );
    });

    it('names the agent when its keys alone were refused', async () => {
      const stranger = path.join(dir, 'stranger');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
      await startAgent(stranger);
      const state = await new MachineConnection(machine({ identityFile: '', agent: agentSocket }), english, {
        hostKeys: policy(),
      }).probe();
      assert.deepEqual(state, {
        kind: 'unreachable',
        reason: `${ssh.username}@${ssh.host}:${ssh.port} refused the keys of the ssh-agent.`,
      });
    });
  });
});
