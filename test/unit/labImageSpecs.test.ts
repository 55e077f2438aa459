import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedLibraries } from '../../src/localLab/images/buildContext';
import { detectMirror } from '../../src/localLab/images/debianBase';
import { splitName } from '../../src/localLab/images/engineOps';
import { cachePaths, labImagesKey } from '../../src/localLab/images/imageCache';
import {
  KEEPALIVED_RENDER_SCRIPT,
  KeepalivedEnv,
  parseKeepalivedList,
  renderKeepalivedConfig,
} from '../../src/localLab/images/keepalivedConfig';
import { BASE_IMAGE, labImageNames, labImageSpecs } from '../../src/localLab/images/labImageSpecs';
import { ROOT } from './repoFiles';

describe('lab image specs', () => {
  it('keeps the sample project’s names and names the Debian-built stand-ins as such', () => {
    const names = labImageNames();
    for (const name of [
      BASE_IMAGE,
      'python-app:latest',
      'm1.swarm:5000/python-app:latest',
      'app-proxy:latest',
      'm1.swarm:5000/app-proxy:latest',
      'swarm-lab/redis-debian:latest',
      'swarm-lab/registry-debian:2',
      'swarm-lab/keepalived-debian:2.0.10',
      'swarm-lab/busybox-debian:latest',
    ]) {
      assert.ok(names.includes(name), name);
    }
    // A substitute never carries the name of the image it stands in for.
    for (const original of ['redis', 'redis:latest', 'registry:2', 'osixia/keepalived:2.0.10', 'busybox:latest']) {
      assert.ok(!names.includes(original), original);
    }
    assert.equal(new Set(names).size, names.length);
  });

  it('builds the sample folders that exist, with their own Dockerfile FROM the base', () => {
    for (const spec of labImageSpecs().filter((s) => s.sampleDir)) {
      const dockerfile = fs.readFileSync(path.join(ROOT, 'samples', 'tp1', spec.sampleDir!, 'Dockerfile'), 'utf8');
      assert.match(dockerfile, new RegExp(`^FROM ${BASE_IMAGE}$`, 'm'), spec.id);
    }
  });

  it('splits names with a registry port correctly', () => {
    assert.deepEqual(splitName('m1.swarm:5000/python-app:latest'), { repo: 'm1.swarm:5000/python-app', tag: 'latest' });
    assert.deepEqual(splitName('m1.swarm:5000/python-app'), { repo: 'm1.swarm:5000/python-app', tag: 'latest' });
    assert.deepEqual(splitName('registry:2'), { repo: 'registry', tag: '2' });
    assert.deepEqual(splitName('osixia/keepalived:2.0.10'), { repo: 'osixia/keepalived', tag: '2.0.10' });
  });

  it('finds no libraries to copy for a static binary', async () => {
    assert.deepEqual(await sharedLibraries('/bin/busybox'), []);
  });
});

describe('lab image cache key', () => {
  let samples: string;
  beforeEach(() => {
    samples = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-samples-'));
    fs.cpSync(path.join(ROOT, 'samples', 'tp1'), samples, { recursive: true });
  });
  afterEach(() => fs.rmSync(samples, { recursive: true, force: true }));

  it('is stable, and changes with a sample source', async () => {
    const specs = labImageSpecs();
    const a = await labImagesKey(specs, samples);
    assert.equal(await labImagesKey(specs, samples), a);
    fs.appendFileSync(path.join(samples, 'python-app', 'app.py'), '\n# changed\n');
    assert.notEqual(await labImagesKey(specs, samples), a);
    assert.match(path.basename(cachePaths('/c', a).tarball), /^lab-images-[0-9a-f]{12}\.tar\.gz$/);
  });

  it('changes with an image spec', async () => {
    const specs = labImageSpecs();
    const changed = specs.map((s) => (s.id === 'redis' ? { ...s, dockerfile: `${s.dockerfile}# more\n` } : s));
    assert.notEqual(await labImagesKey(changed, samples), await labImagesKey(specs, samples));
  });
});

describe('Debian mirror detection', () => {
  let etc: string;
  beforeEach(() => {
    etc = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-apt-'));
    fs.mkdirSync(path.join(etc, 'sources.list.d'));
  });
  afterEach(() => fs.rmSync(etc, { recursive: true, force: true }));

  it('reads a deb822 .sources stanza for the suite', () => {
    fs.writeFileSync(
      path.join(etc, 'sources.list.d', 'debian.sources'),
      'Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n\n' +
        'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n',
    );
    assert.equal(detectMirror('bookworm', etc), 'http://mirror.example/debian');
  });

  it('reads a one-line sources.list, options included, and falls back to deb.debian.org', () => {
    assert.equal(detectMirror('bookworm', etc), 'http://deb.debian.org/debian');
    fs.writeFileSync(
      path.join(etc, 'sources.list'),
      '# x\ndeb [arch=amd64] http://local.example/debian bookworm main\n',
    );
    assert.equal(detectMirror('bookworm', etc), 'http://local.example/debian');
  });
});

describe('keepalived config (osixia/keepalived environment)', () => {
  it('parses the #PYTHON2BASH list form and plain lists', () => {
    assert.deepEqual(parseKeepalivedList("#PYTHON2BASH:['172.17.8.101', '172.17.8.102','172.17.8.103']"), [
      '172.17.8.101',
      '172.17.8.102',
      '172.17.8.103',
    ]);
    assert.deepEqual(parseKeepalivedList('#PYTHON2BASH:["10.0.0.1/24 dev eth1"]'), ['10.0.0.1/24 dev eth1']);
    assert.deepEqual(parseKeepalivedList('10.0.0.1, 10.0.0.2 10.0.0.3'), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.deepEqual(parseKeepalivedList(''), []);
    assert.deepEqual(parseKeepalivedList(undefined), []);
  });

  it('uses osixia’s defaults and writes one unicast peer per line', () => {
    const conf = renderKeepalivedConfig({
      KEEPALIVED_UNICAST_PEERS: "#PYTHON2BASH:['172.17.8.101', '172.17.8.102']",
      KEEPALIVED_VIRTUAL_IPS: '172.17.8.100',
    });
    assert.match(conf, /default_interface eth0\n/);
    assert.match(conf, / {2}interface eth0\n {2}state BACKUP\n {2}virtual_router_id 51\n {2}priority 150\n/);
    assert.match(conf, /unicast_peer \{\n {4}172\.17\.8\.101\n {4}172\.17\.8\.102\n {2}\}/);
    assert.match(conf, /virtual_ipaddress \{\n {4}172\.17\.8\.100\n {2}\}/);
    assert.match(conf, /auth_pass d0cker\n/);
  });

  it('leaves out an empty unicast_peer block (multicast VRRP)', () => {
    assert.doesNotMatch(renderKeepalivedConfig({ KEEPALIVED_VIRTUAL_IPS: '10.1.1.1' }), /unicast_peer/);
  });

  it('renders exactly the same in the image’s busybox shell script', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-keepalived-'));
    try {
      const script = path.join(dir, 'render.sh');
      fs.writeFileSync(script, KEEPALIVED_RENDER_SCRIPT);
      const cases: KeepalivedEnv[] = [
        {},
        {
          KEEPALIVED_INTERFACE: 'eth1',
          KEEPALIVED_VIRTUAL_IPS: "#PYTHON2BASH:['172.17.8.100']",
          KEEPALIVED_UNICAST_PEERS: "#PYTHON2BASH:['172.17.8.101', '172.17.8.102', '172.17.8.103']",
          KEEPALIVED_PRIORITY: '199',
          KEEPALIVED_ROUTER_ID: '52',
          KEEPALIVED_PASSWORD: 'secret',
          KEEPALIVED_STATE: 'MASTER',
        },
        { KEEPALIVED_VIRTUAL_IPS: '10.0.0.100,10.0.0.101', KEEPALIVED_UNICAST_PEERS: '10.0.0.1 10.0.0.2' },
        { KEEPALIVED_VIRTUAL_IPS: '#PYTHON2BASH:["10.0.0.100/24 dev eth1", "10.0.0.101"]' },
      ];
      for (const env of cases) {
        const out = execFileSync('/bin/busybox', ['sh', script], { env: { PATH: '/usr/bin:/bin', ...env } }).toString();
        assert.equal(out, renderKeepalivedConfig(env), JSON.stringify(env));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
