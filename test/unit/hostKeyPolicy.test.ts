import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeSshError } from '../../src/clients/machines/machineConnection';
import {
  HostKeyChangedError,
  HostKeyDeclinedError,
  HostKeyPolicy,
  HostKeyRevokedError,
  UnknownHostQuestion,
} from '../../src/clients/ssh/hostKeyPolicy';
import { MachineDefinition } from '../../src/core/machines/machine';

const A = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAICSgm+zqpHkxbzzKEqGS6Qrr7thbVt9x96gZYav7RaUH', 'base64');
const B = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIB/1hvp7TCanCkEXXtVimxjWA8aNDhHgsQH0FdSwOeU2', 'base64');
const FP_A = 'SHA256:/nH+VnIJNqXvtaav48i099F+J6kAt5wD+8TTM+TCWyg';
const FP_B = 'SHA256:cBQEG0MVj0uV+Gi8baUGTNqwGDt8eKL0pdAXhQijhrE';

describe('HostKeyPolicy', () => {
  let dir: string;
  let file: string;
  let questions: UnknownHostQuestion[];
  let warnings: string[];
  const policy = (answer: boolean | (() => Promise<boolean>)): HostKeyPolicy =>
    new HostKeyPolicy({
      knownHostsFile: file,
      confirmUnknownHost: (q) => {
        questions.push(q);
        return typeof answer === 'boolean' ? Promise.resolve(answer) : answer();
      },
      onWarning: (w) => warnings.push(w),
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-hkp-'));
    file = path.join(dir, 'ssh', 'known_hosts');
    questions = [];
    warnings = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('asks once for several connections to the same unknown host, then saves one hashed line', async () => {
    let release!: (ok: boolean) => void;
    const p = policy(() => new Promise((r) => (release = r)));
    const checks = [1, 2, 3].map(() => p.check('node.example', 2222, A));
    await new Promise((r) => setTimeout(r, 20));
    release(true);
    await Promise.all(checks);
    assert.equal(questions.length, 1);
    assert.deepEqual(questions[0], {
      host: 'node.example',
      port: 2222,
      keyType: 'ssh-ed25519',
      fingerprint: FP_A,
      otherKeyTypes: [],
      ignored: [],
      knownHostsFile: file,
    });
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^\|1\|/);
    await p.check('node.example', 2222, A);
    await policy(false).check('node.example', 2222, A); // a new session reads it from the file
    assert.equal(questions.length, 1);
  });

  it('refuses a changed key with both fingerprints and the line to remove, without asking', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, `# first\nnode.example ssh-ed25519 ${A.toString('base64')}\n`);
    const before = fs.readFileSync(file, 'utf8');
    await assert.rejects(
      policy(true).check('node.example', 22, B),
      (e: unknown) =>
        e instanceof HostKeyChangedError &&
        e.code === 'HOST_KEY_CHANGED' &&
        e.knownFingerprint === FP_A &&
        e.offeredFingerprint === FP_B &&
        e.message ===
          `The host key of node.example changed: expected ${FP_A}, got ${FP_B}. Swarm Lab refuses to connect. If this change is expected, remove line 2 of ${file}.`,
    );
    assert.equal(questions.length, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  });

  it('refuses a revoked key', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, `@revoked * ssh-ed25519 ${A.toString('base64')}\n`);
    await assert.rejects(policy(true).check('10.0.0.9', 22, A), HostKeyRevokedError);
    assert.equal(questions.length, 0);
  });

  it('does not ask again about a declined key until told to', async () => {
    const p = policy(false);
    await assert.rejects(p.check('node.example', 22, A), HostKeyDeclinedError);
    await assert.rejects(p.check('node.example', 22, A), /was not accepted/);
    assert.equal(questions.length, 1);
    p.forgetDeclined();
    await assert.rejects(p.check('node.example', 22, A), HostKeyDeclinedError);
    assert.equal(questions.length, 2);
    assert.equal(fs.existsSync(file), false);
  });

  it('keeps an accepted key for the session when it cannot be saved, and says so', async () => {
    fs.writeFileSync(path.join(dir, 'ssh'), 'a file where a folder should be');
    const p = policy(true);
    await p.check('node.example', 22, A);
    await p.check('node.example', 22, A);
    assert.equal(questions.length, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /accepted for this session but could not be saved/);
  });

  it('checks a pinned key alone, without reading known_hosts', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, `node.example ssh-ed25519 ${B.toString('base64')}\n`);
    const verify = policy(true).verifier('node.example', 22, `ssh-ed25519 ${A.toString('base64')} core-01`);
    assert.equal(await verify(A), true);
    assert.equal(await verify(B), false);
    assert.equal(questions.length, 0);
  });

  it('defaults to ~/.ssh/known_hosts and expands ~ in the setting', () => {
    const home = os.homedir();
    const confirmUnknownHost = (): Promise<boolean> => Promise.resolve(false);
    assert.equal(new HostKeyPolicy({ confirmUnknownHost }).knownHostsFile, path.join(home, '.ssh', 'known_hosts'));
    assert.equal(
      new HostKeyPolicy({ confirmUnknownHost, knownHostsFile: ' ' }).knownHostsFile,
      path.join(home, '.ssh', 'known_hosts'),
    );
    assert.equal(
      new HostKeyPolicy({ confirmUnknownHost, knownHostsFile: '~/kh' }).knownHostsFile,
      path.join(home, 'kh'),
    );
  });

  it("gives the machine's item the policy's sentence, and names the agent when it alone was refused", () => {
    const m: MachineDefinition = {
      id: 'ssh:n',
      name: 'n',
      source: 'ssh',
      host: 'node.example',
      port: 22,
      user: 'core',
      identityFile: '',
      agent: '/tmp/agent.sock',
    };
    const changed = new HostKeyChangedError('the sentence', 'node.example', 22, FP_B, FP_A, file, [2]);
    assert.equal(describeSshError(changed, m), 'the sentence');
    const auth = Object.assign(new Error('All configured authentication methods failed'), {
      level: 'client-authentication',
    });
    assert.equal(describeSshError(auth, m), 'core@node.example:22 refused the keys of the ssh-agent.');
  });
});
