import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { KEEPALIVED_RENDER_PATH, renderKeepalivedConfig } from '../../src/localLab/images/keepalivedConfig';
import { ensureLabImages, LabImagesOptions, loadLabImages } from '../../src/localLab/images/labImages';
import { dockerGround } from '../harness/ground';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { waitFor } from '../harness/waitFor';
import { demuxFrames } from '../harness/dockerFrames';
import { freePort } from '../harness/testNet';

/**
 * The lab images, built offline from Debian packages on the test engine and
 * cached in .cache/lab-images (the first run takes a few minutes, later runs
 * are warm), then loaded and really run: host-network containers on
 * 127.0.0.1 ports (the test engine has no bridge), or no network at all.
 */
describe('lab images (built offline)', function () {
  let docker: Docker;
  let opts: LabImagesOptions;
  let tarball = '';
  let images: string[] = [];
  const started: string[] = [];

  before(async function () {
    this.timeout(15 * 60_000);
    const ground = dockerGround();
    docker = new Docker({ socketPath: ground.socketPath });
    opts = {
      builder: ground.socketPath,
      cacheDir: path.join(CACHE_DIR, 'lab-images'),
      samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
      log: (line) => console.log(`      [lab-images] ${line}`),
    };
    const t = Date.now();
    const result = await ensureLabImages(opts);
    console.log(`      [lab-images] ensureLabImages: built=${result.built} in ${Date.now() - t} ms`);
    ({ tarball, images } = result);
  });

  after(async () => {
    await Promise.all(
      started.map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  it('names the sample project’s images as its compose file does, and the Debian-built stand-ins as such', () => {
    for (const name of [
      'python-app:latest',
      'm1.swarm:5000/python-app:latest',
      'app-proxy:latest',
      'm1.swarm:5000/app-proxy:latest',
      'swarm-lab/redis-debian:latest',
      'swarm-lab/registry-debian:2',
      'swarm-lab/keepalived-debian:2.0.10',
      'swarm-lab/busybox-debian:latest',
    ]) {
      assert.ok(images.includes(name), name);
    }
    assert.match(path.basename(tarball), /^lab-images-[0-9a-f]{12}\.tar\.gz$/);
  });

  it('answers from the cache at once, without the builder', async () => {
    const t = Date.now();
    // A builder socket that does not exist: a warm call must not need one.
    const again = await ensureLabImages({ ...opts, builder: '/nonexistent/docker.sock' });
    const ms = Date.now() - t;
    console.log(`      [lab-images] warm call: ${ms} ms`);
    assert.equal(again.built, false);
    assert.equal(again.tarball, tarball);
    assert.deepEqual(again.images, images);
    assert.ok(ms < 1000, `${ms} ms`);
  });

  it('loads into an engine that lacks the images, then finds them present', async function () {
    this.timeout(5 * 60_000);
    // The test engine built them: remove them so that the load is a real one.
    for (const name of images) {
      await docker
        .getImage(name)
        .remove({ force: true })
        .catch(() => undefined);
    }
    const t = Date.now();
    assert.deepEqual(await loadLabImages(tarball, images, [dockerGround().socketPath]), ['loaded']);
    console.log(`      [lab-images] load into one engine: ${Date.now() - t} ms`);
    assert.deepEqual(await loadLabImages(tarball, images, [dockerGround().socketPath]), ['present']);
  });

  it('runs python-app counting hits in redis', async function () {
    this.timeout(60_000);
    const [redisPort, appPort] = [await freePort(), await freePort()];
    await start('swarm-lab/redis-debian:latest', {
      Cmd: ['redis-server', '--protected-mode', 'no', '--bind', '127.0.0.1', '--port', String(redisPort), '--save', ''],
    });
    await start('python-app:latest', {
      Env: ['REDIS_HOST=127.0.0.1', `REDIS_PORT=${redisPort}`, 'LISTEN_HOST=127.0.0.1', `LISTEN_PORT=${appPort}`],
    });
    const first = await waitFor(
      'python-app to count a hit',
      async () => {
        const body = await httpGet(`http://127.0.0.1:${appPort}/`).catch(() => '');
        return /seen (\d+) times/.exec(body);
      },
      30_000,
      100,
    );
    const second = /seen (\d+) times/.exec(await httpGet(`http://127.0.0.1:${appPort}/`));
    assert.ok(second, 'a second answer with a count');
    assert.equal(Number(second[1]), Number(first[1]) + 1);
  });

  it('has a valid nginx config in app-proxy (listening on 8080, re-resolving python-app)', async () => {
    const { code, output } = await runToExit('app-proxy:latest', {
      Cmd: ['nginx', '-t'],
      HostConfig: { NetworkMode: 'none' },
    });
    assert.equal(code, 0, output);
    assert.match(output, /test is successful/);
    const conf = (await runToExit('app-proxy:latest', { Cmd: ['cat', '/etc/nginx/nginx.conf'] })).output;
    assert.match(conf, /listen 8080;/);
    assert.match(conf, /resolver 127\.0\.0\.11 valid=5s/);
    assert.match(conf, /proxy_pass \$python_app;/);
  });

  it('runs the registry stand-in, answering GET /v2/ with {}', async function () {
    this.timeout(60_000);
    const port = await freePort();
    await start('swarm-lab/registry-debian:2', { Env: [`REGISTRY_HTTP_ADDR=127.0.0.1:${port}`] });
    const body = await waitFor(
      'the registry to answer',
      () => httpGet(`http://127.0.0.1:${port}/v2/`).catch(() => ''),
      30_000,
      100,
    );
    assert.deepEqual(JSON.parse(body), {});
  });

  it('renders keepalived.conf from the osixia environment, one unicast peer per line, and keepalived accepts it', async () => {
    // keepalived refuses a loopback interface, and a config test only reads
    // the host's interfaces (no VRRP is sent): use a real one, on the host network.
    const env = {
      KEEPALIVED_INTERFACE: hostInterface(),
      KEEPALIVED_VIRTUAL_IPS: '172.17.8.100',
      KEEPALIVED_UNICAST_PEERS: "#PYTHON2BASH:['172.17.8.101', '172.17.8.102', '172.17.8.103']",
      KEEPALIVED_PRIORITY: '200',
    };
    const Env = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const rendered = await runToExit('swarm-lab/keepalived-debian:2.0.10', {
      Entrypoint: [KEEPALIVED_RENDER_PATH],
      Env,
    });
    assert.equal(rendered.code, 0, rendered.output);
    // The shell script in the image and its TypeScript twin agree.
    assert.equal(rendered.output, renderKeepalivedConfig(env));
    assert.match(
      rendered.output,
      /unicast_peer \{\n {4}172\.17\.8\.101\n {4}172\.17\.8\.102\n {4}172\.17\.8\.103\n {2}\}/,
    );
    assert.match(rendered.output, /priority 200\n/);

    const test = await runToExit('swarm-lab/keepalived-debian:2.0.10', {
      Cmd: ['--config-test'],
      Env,
      HostConfig: { NetworkMode: 'host', CapAdd: ['NET_ADMIN', 'NET_RAW'] },
    });
    assert.equal(test.code, 0, test.output);
  });

  it('runs the busybox stand-in with its applets', async () => {
    const { code, output } = await runToExit('swarm-lab/busybox-debian:latest', {
      Cmd: ['sh', '-c', 'echo hello from $(uname -s)'],
    });
    assert.equal(code, 0, output);
    assert.equal(output, 'hello from Linux\n');
  });

  /** A long-running container on the host network (only 127.0.0.1 ports are bound). */
  async function start(image: string, options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    const container = await docker.createContainer({ Image: image, ...options, HostConfig: { NetworkMode: 'host' } });
    started.push(container.id);
    await container.start();
    return container;
  }

  /** Runs a container to its end; resolves with its exit code and its output (stdout then stderr). */
  async function runToExit(
    image: string,
    options: Docker.ContainerCreateOptions,
  ): Promise<{ code: number; output: string }> {
    const container = await docker.createContainer({
      Image: image,
      HostConfig: { NetworkMode: 'none' },
      ...options,
    });
    started.push(container.id);
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const raw = await container.logs({ stdout: true, stderr: true, follow: false });
    return { code: StatusCode, output: demuxFrames(raw) };
  }
});

function hostInterface(): string {
  const names = Object.entries(os.networkInterfaces())
    .filter(([, addrs]) => addrs?.some((a) => !a.internal))
    .map(([name]) => name);
  return names.includes('eth0') ? 'eth0' : (names[0] ?? 'eth0');
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) {
          resolve(body);
        } else {
          reject(new Error(`${url}: HTTP ${res.statusCode}: ${body}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
  });
}
