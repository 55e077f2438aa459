import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as Y from 'yaml';
import { redirectVerdict } from '../../src/core/labSteps/proxyApp';
import {
  APP_HOST,
  behindProxyCompose,
  caddyfile,
  certificateCommand,
  certificateProblems,
  certificateStatusCommand,
  certPaths,
  hostsLineCommand,
  opensslConfig,
  proxyCompose,
  proxyDir,
  proxyImage,
  traefikTlsToml,
  traefikToml,
} from '../../src/core/labSteps/proxyFiles';
import { renamedImage } from '../../src/core/labSteps/registryProxy';
import { ROOT } from './repoFiles';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'proxy');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const SAMPLE_COMPOSE = fs.readFileSync(path.join(ROOT, 'samples', 'tp1', 'docker-compose.yml'), 'utf8');

function bash(script: string): { code: number; stdout: string; stderr: string } {
  const out = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { code: out.status ?? -1, stdout: out.stdout, stderr: out.stderr };
}

describe('proxy: images and folders', () => {
  it('runs Traefik on VMs and Caddy from Debian, under its own name, in the local lab', () => {
    assert.deepEqual(proxyImage({ environment: 'vm' }), {
      image: 'traefik:v2.11',
      flavour: 'traefik',
      service: 'proxy_traefik',
    });
    assert.deepEqual(proxyImage({ environment: 'local-lab' }), {
      image: 'swarm-lab/caddy-debian:2.6',
      flavour: 'caddy',
      service: 'proxy_caddy',
    });
    // A teacher's archive may bring the real Traefik to the local lab: its configuration follows the image.
    assert.equal(proxyImage({ environment: 'local-lab', images: { traefik: 'traefik:v2.11' } })?.flavour, 'traefik');
  });

  it('keeps the files in the lab’s /data/traefik on VMs, in the local lab’s data folder otherwise', () => {
    assert.equal(proxyDir({}, 'traefik'), '/data/traefik');
    assert.equal(proxyDir({ dataFolder: '/state/shared/data/' }, 'caddy'), '/state/shared/data/caddy');
    assert.equal(certPaths('/data/traefik').key, '/data/traefik/certs/wildcard.key');
  });
});

describe('proxy: the wildcard certificate', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-certs-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says what is wrong before there is a certificate', () => {
    const paths = certPaths(path.join(dir, 'none'));
    const out = bash(certificateStatusCommand(paths).text);
    assert.deepEqual(certificateProblems(out.stdout), ['dir']);
  });

  it('makes a CA and a *.b3.swarm certificate it signs, keys 0600, that verify for app and registry', () => {
    const paths = certPaths(dir);
    fs.mkdirSync(paths.dir);
    fs.writeFileSync(paths.config, opensslConfig());
    const made = bash(certificateCommand(paths).text);
    assert.equal(made.code, 0, made.stderr);
    const status = bash(certificateStatusCommand(paths).text);
    assert.deepEqual(certificateProblems(status.stdout), [], status.stdout);
    for (const key of [paths.key, paths.caKey]) {
      assert.equal(fs.statSync(key).mode & 0o777, 0o600, key);
    }
    assert.equal(fs.existsSync(path.join(paths.dir, 'wildcard.csr')), false);
    const ca = new X509Certificate(fs.readFileSync(paths.caCert));
    const cert = new X509Certificate(fs.readFileSync(paths.cert));
    assert.equal(ca.ca, true);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkIssued(ca));
    assert.ok(cert.verify(ca.publicKey));
    assert.equal(cert.checkHost(APP_HOST), '*.b3.swarm');
    assert.equal(cert.checkHost('registry.b3.swarm'), '*.b3.swarm');
    assert.equal(cert.checkHost('app.example.org'), undefined);
    assert.match(cert.subjectAltName ?? '', /DNS:\*\.b3\.swarm/);
  });

  it('finds a certificate signed by another CA, or an unprotected key, to be made again', () => {
    const paths = certPaths(dir);
    fs.chmodSync(paths.key, 0o644);
    assert.deepEqual(certificateProblems(bash(certificateStatusCommand(paths).text).stdout), ['keys']);
    fs.chmodSync(paths.key, 0o600);
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=other',
        '-days',
        '1',
        '-keyout',
        path.join(other, 'k'),
        '-out',
        path.join(other, 'c'),
      ],
      { stdio: 'ignore' },
    );
    fs.copyFileSync(path.join(other, 'c'), paths.caCert);
    assert.deepEqual(certificateProblems(bash(certificateStatusCommand(paths).text).stdout), ['verify']);
  });

  it('reads the status lines', () => {
    assert.deepEqual(certificateProblems('verify: ok\nfresh: no\nsan: ok\nkeys: ok\n'), ['fresh']);
    assert.deepEqual(certificateProblems(''), ['verify', 'fresh', 'san', 'keys']);
  });
});

describe('proxy: generated files and stacks', () => {
  it('writes the Caddyfile of the local lab’s substitute, which Caddy accepts', () => {
    const text = caddyfile('python_dirty_app');
    assert.equal(text, fixture('Caddyfile'));
    const caddy = '/usr/bin/caddy';
    assert.ok(fs.existsSync(caddy), 'caddy is a bootstrap package (README): apt-get install caddy');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-caddy-'));
    try {
      fs.writeFileSync(path.join(dir, 'Caddyfile'), text);
      const out = spawnSync(caddy, ['adapt', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
      const json = JSON.parse(out.stdout) as { admin?: { disabled?: boolean } };
      assert.equal(json.admin?.disabled, true);
      assert.ok(out.stdout.includes('tasks.python_dirty_app_app-proxy:8080'));
      assert.ok(out.stdout.includes('tasks.registry:5000'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes Traefik’s static config and its file provider’s certificate', () => {
    assert.equal(traefikToml(), fixture('traefik.toml'));
    assert.equal(traefikTlsToml(), fixture('tls.toml'));
  });

  it('makes the proxy stack: Traefik on VMs (mesh ports, docker socket), Caddy in the local lab (host ports)', () => {
    assert.equal(proxyCompose(Y, 'traefik:v2.11', 'traefik', '/data/traefik', 'vm'), fixture('traefik-stack.yml'));
    assert.equal(
      proxyCompose(Y, 'swarm-lab/caddy-debian:2.6', 'caddy', '/lab/shared/data/caddy', 'local-lab'),
      fixture('caddy-stack.yml'),
    );
    // Traefik brought into the local lab by an archive: host-mode ports there too.
    assert.match(proxyCompose(Y, 'traefik:v2.11', 'traefik', '/d', 'local-lab'), /mode: host/);
    for (const text of [fixture('traefik-stack.yml'), fixture('caddy-stack.yml')]) {
      assert.ok(!text.includes('ca.key'), 'the CA key is never mounted');
    }
  });

  it('puts the app behind the proxy: no published port, on the proxy network, Traefik’s labels on VMs', () => {
    const traefik = behindProxyCompose(Y, SAMPLE_COMPOSE, 'traefik');
    const caddy = behindProxyCompose(Y, SAMPLE_COMPOSE, 'caddy');
    assert.equal(traefik, fixture('app-https-traefik.yml'));
    assert.equal(caddy, fixture('app-https-caddy.yml'));
    const doc = Y.parse(caddy) as {
      services: Record<string, { ports?: unknown; networks: string[] }>;
      networks: Record<string, unknown>;
    };
    assert.equal(doc.services['app-proxy'].ports, undefined);
    assert.deepEqual(doc.services['app-proxy'].networks, ['app', 'proxy']);
    assert.deepEqual(doc.networks.proxy, { external: true });
    // Done twice, the same file.
    assert.equal(behindProxyCompose(Y, caddy, 'caddy'), caddy);
  });

  it('puts a name in a hosts file once, replacing an older address for it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-hosts-'));
    try {
      const file = path.join(dir, 'hosts');
      fs.writeFileSync(file, '127.0.0.1\tlocalhost\n10.0.0.9\tregistry.b3.swarm\n10.0.0.9\tregistry.b3.swarmx\n');
      for (let i = 0; i < 2; i++) {
        assert.equal(bash(hostsLineCommand('10.213.8.101', 'registry.b3.swarm', file).text).code, 0);
      }
      assert.equal(
        fs.readFileSync(file, 'utf8'),
        '127.0.0.1\tlocalhost\n10.0.0.9\tregistry.b3.swarmx\n10.213.8.101\tregistry.b3.swarm\n',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a followed redirect', () => {
    assert.equal(redirectVerdict('200 https://app.b3.swarm/ 1', APP_HOST).ok, true);
    assert.equal(redirectVerdict('200 http://app.b3.swarm/ 0', APP_HOST).ok, false);
    assert.equal(redirectVerdict('502 https://app.b3.swarm/ 1', APP_HOST).ok, false);
  });

  it('renames the registry’s images for registry.b3.swarm', () => {
    assert.equal(
      renamedImage('m1.swarm:5000/python-app:latest', 'm1.swarm:5000'),
      'registry.b3.swarm/python-app:latest',
    );
  });
});
