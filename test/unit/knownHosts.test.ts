import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  appendKnownHostsLine,
  check,
  expandHome,
  fingerprint,
  hostLookupName,
  keyTypeOf,
  knownHostsLine,
  parseKnownHosts,
} from '../../src/core/ssh/knownHosts';
import { read } from './repoFiles';

// Keys of test/fixtures/ssh/known_hosts (made with ssh-keygen; fingerprints as `ssh-keygen -l` prints them).
const A = 'AAAAC3NzaC1lZDI1NTE5AAAAICSgm+zqpHkxbzzKEqGS6Qrr7thbVt9x96gZYav7RaUH';
const B = 'AAAAC3NzaC1lZDI1NTE5AAAAIB/1hvp7TCanCkEXXtVimxjWA8aNDhHgsQH0FdSwOeU2';
const C =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCmLG8Obupp43DMYtcQJBeOva6X+Z0gJcTZXc0GEd4TlnGQITDcjw3TO74zg7Sp9db2wggrd4xzvd5EgQWHi1zI=';
const REVOKED = 'AAAAC3NzaC1lZDI1NTE5AAAAIMtgz38HP3QHst1eyBInIRU8SSHLMKn5Bb+afXFS1eUN';
const CA = 'AAAAC3NzaC1lZDI1NTE5AAAAICnP17xTmU0p//jdKNI5+4pRgnSax8+qiL/yi2cDB9ti';
const RSA =
  'AAAAB3NzaC1yc2EAAAADAQABAAAAgQDe35w1qt1eL7B42Cic5Ehbth8c2WdMJloOk3tOQ1X76AUPHvkmmxqi3SEmlVwgj3rmwewitjqg9tiwlO1Ala7/oh0MrcSjO712ukJAcXrJeZMWO0ufA+GzBwF9g4xFzTfy7geKllttGWZ8nCRyefU7Pxrd+hzuAcJhHaSxfIbchQ==';
const FP_A = 'SHA256:/nH+VnIJNqXvtaav48i099F+J6kAt5wD+8TTM+TCWyg';
const FP_B = 'SHA256:cBQEG0MVj0uV+Gi8baUGTNqwGDt8eKL0pdAXhQijhrE';

describe('known_hosts', () => {
  const text = read('test/fixtures/ssh/known_hosts');
  const ed = (host: string, port: number, key: string): ReturnType<typeof check> =>
    check(text, host, port, 'ssh-ed25519', key);

  it('prints fingerprints as ssh-keygen -l does (SHA256, base64 without padding)', () => {
    assert.equal(fingerprint(A), FP_A);
    assert.equal(fingerprint(Buffer.from(B, 'base64')), FP_B);
    assert.equal(fingerprint(C), 'SHA256:rmwb26+2nwzpUWZ1YaNbNMKZBfw/NBAMLfOIbHl6b8c');
  });

  it('reads the key type from the key blob', () => {
    assert.equal(keyTypeOf(Buffer.from(A, 'base64')), 'ssh-ed25519');
    assert.equal(keyTypeOf(Buffer.from(C, 'base64')), 'ecdsa-sha2-nistp256');
    assert.equal(keyTypeOf(Buffer.from(RSA, 'base64')), 'ssh-rsa');
    assert.equal(keyTypeOf(Buffer.from('xx')), undefined);
  });

  it('files a host under its name on port 22 and under [name]:port otherwise, in lower case', () => {
    assert.equal(hostLookupName('Alpha.Example', 22), 'alpha.example');
    assert.equal(hostLookupName('10.0.0.1', 2222), '[10.0.0.1]:2222');
  });

  it('skips comments and blank lines, and says why each unused line is ignored', () => {
    const parsed = parseKnownHosts(text);
    assert.equal(parsed.entries.length, 9);
    assert.deepEqual(
      parsed.ignored.map((i) => i.line),
      [11, 12, 13, 14],
    );
    assert.match(parsed.ignored[0].reason, /@cert-authority lines are not supported/);
    assert.match(parsed.ignored[1].reason, /Unknown marker @weird/);
    assert.match(parsed.ignored[2].reason, /Malformed line/);
    assert.match(parsed.ignored[3].reason, /does not match its type ssh-ed25519/);
  });

  it('knows a plain host name, each name of a comma list, and ignores case', () => {
    assert.deepEqual(ed('alpha.example', 22, A), { status: 'known', line: 4 });
    assert.deepEqual(ed('10.0.0.1', 22, A), { status: 'known', line: 4 });
    assert.deepEqual(ed('ALPHA.example', 22, A), { status: 'known', line: 4 });
  });

  it('keeps several key types per host apart', () => {
    assert.deepEqual(check(text, 'alpha.example', 22, 'ecdsa-sha2-nistp256', C), { status: 'known', line: 5 });
    // Another algorithm than the known ones: unknown (ssh asks too), with what is known.
    const rsa = check(text, 'alpha.example', 22, 'ssh-rsa', RSA);
    assert.equal(rsa.status, 'unknown');
    assert.deepEqual(rsa.status === 'unknown' && rsa.otherKeyTypes, ['ssh-ed25519', 'ecdsa-sha2-nistp256']);
  });

  it('matches [host]:port lines on that port only', () => {
    assert.deepEqual(ed('alpha.example', 2222, B), { status: 'known', line: 6 });
    assert.deepEqual(ed('alpha.example', 2222, A), {
      status: 'changed',
      lines: [6],
      knownFingerprint: FP_B,
      offeredFingerprint: FP_A,
    });
    assert.equal(ed('alpha.example', 22, B).status, 'changed');
    assert.equal(ed('alpha.example', 2200, B).status, 'unknown');
  });

  it('matches hashed lines written by ssh-keygen -H (HMAC-SHA1 of the name), port included', () => {
    assert.deepEqual(ed('hashed.example', 22, A), { status: 'known', line: 7 });
    assert.deepEqual(ed('hashed.example', 2200, B), { status: 'known', line: 8 });
    assert.deepEqual(ed('hashed.example', 22, B), {
      status: 'changed',
      lines: [7],
      knownFingerprint: FP_A,
      offeredFingerprint: FP_B,
    });
    assert.equal(ed('other.example', 22, A).status, 'unknown');
  });

  it('honours wildcards and negated patterns', () => {
    assert.deepEqual(ed('node1.lab.example', 22, A), { status: 'known', line: 9 });
    assert.equal(ed('evil.lab.example', 22, A).status, 'unknown');
    assert.equal(ed('lab.example', 22, A).status, 'unknown');
  });

  it('refuses a revoked key whatever else the file says of the host', () => {
    assert.deepEqual(ed('alpha.example', 22, REVOKED), {
      status: 'revoked',
      line: 10,
      offeredFingerprint: fingerprint(REVOKED),
    });
  });

  it('ignores @cert-authority lines and tells the hosts they concern', () => {
    const result = ed('build.corp.example', 22, CA);
    assert.equal(result.status, 'unknown');
    assert.deepEqual(result.status === 'unknown' && result.ignored.map((i) => i.line), [11]);
    const elsewhere = ed('node.example', 22, CA);
    assert.deepEqual(elsewhere.status === 'unknown' && elsewhere.ignored, []);
  });

  it('knows a host listed with two keys of one type by either, and names every line when a third comes', () => {
    assert.deepEqual(ed('twice.example', 22, A), { status: 'known', line: 15 });
    assert.deepEqual(ed('twice.example', 22, B), { status: 'known', line: 16 });
    const changed = ed('twice.example', 22, CA);
    assert.deepEqual(changed.status === 'changed' && changed.lines, [15, 16]);
  });

  it('writes hashed lines exactly as ssh-keygen -H does, and plain ones on request', () => {
    const line7 = text.split('\n')[6];
    const salt = Buffer.from(line7.split('|')[2], 'base64');
    assert.equal(knownHostsLine('hashed.example', 22, 'ssh-ed25519', A, { salt }), line7);
    const fresh = knownHostsLine('new.example', 2022, 'ssh-ed25519', B);
    assert.match(fresh, /^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 /);
    assert.deepEqual(check(fresh, 'new.example', 2022, 'ssh-ed25519', B), { status: 'known', line: 1 });
    assert.equal(check(fresh, 'new.example', 22, 'ssh-ed25519', B).status, 'unknown');
    assert.equal(
      knownHostsLine('New.Example', 2022, 'ssh-ed25519', B, { hash: false }),
      `[new.example]:2022 ssh-ed25519 ${B}`,
    );
  });

  it('expands ~ in paths', () => {
    assert.equal(expandHome('~/.ssh/known_hosts', '/home/u'), '/home/u/.ssh/known_hosts');
    assert.equal(expandHome('~', '/home/u'), '/home/u');
    assert.equal(expandHome('/etc/ssh/x', '/home/u'), '/etc/ssh/x');
  });

  describe('appending', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-kh-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('creates a missing ~/.ssh as 0700 and the file as 0600', async () => {
      const file = path.join(dir, 'home', '.ssh', 'known_hosts');
      assert.equal(await appendKnownHostsLine(file, 'a ssh-ed25519 X'), 1);
      assert.equal(fs.readFileSync(file, 'utf8'), 'a ssh-ed25519 X\n');
      assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    });

    it('keeps the mode and the content, completes a last line without newline, leaves no temporary file', async () => {
      const file = path.join(dir, 'known_hosts');
      fs.writeFileSync(file, '# mine\nb ssh-ed25519 Y');
      fs.chmodSync(file, 0o644);
      assert.equal(await appendKnownHostsLine(file, 'c ssh-ed25519 Z'), 3);
      assert.equal(fs.readFileSync(file, 'utf8'), '# mine\nb ssh-ed25519 Y\nc ssh-ed25519 Z\n');
      assert.equal(fs.statSync(file).mode & 0o777, 0o644);
      assert.deepEqual(fs.readdirSync(dir), ['known_hosts']);
    });

    it('writes through a symlink, which stays a link', async () => {
      const real = path.join(dir, 'real_known_hosts');
      fs.writeFileSync(real, 'a ssh-ed25519 X\n');
      const link = path.join(dir, 'known_hosts');
      fs.symlinkSync(real, link);
      await appendKnownHostsLine(link, 'b ssh-ed25519 Y');
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.equal(fs.readFileSync(real, 'utf8'), 'a ssh-ed25519 X\nb ssh-ed25519 Y\n');
    });

    it('loses no line when several appends run at once', async () => {
      const file = path.join(dir, 'known_hosts');
      const lines = await Promise.all([1, 2, 3, 4, 5].map((i) => appendKnownHostsLine(file, `h${i} ssh-ed25519 K`)));
      assert.deepEqual(
        lines.sort((a, b) => a - b),
        [1, 2, 3, 4, 5],
      );
      assert.equal(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 5);
    });
  });
});
