import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { dockerGround } from '../harness/ground';
import { ensureBusyboxImage } from '../harness/testImages';

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

describe('DockerEngine against a real dockerd', () => {
  let docker: Docker;
  let engine: DockerEngine;
  let image: string;

  before(async function () {
    this.timeout(60_000);
    docker = new Docker({ socketPath: dockerGround().socketPath });
    engine = new DockerEngine({ endpoint: parseDockerHost(dockerGround().host) });
    image = await ensureBusyboxImage(docker);
  });

  it('reports the engine version', async () => {
    const v = await engine.version();
    assert.match(v.version, /^\d+\.\d+/);
    assert.equal(v.os, 'linux');
  });

  it("splits a container's logs into stdout and stderr", async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', 'echo out-line; echo err-line >&2'] });
    try {
      await c.start();
      await c.wait();
      const abort = new AbortController();
      const { stream, tty } = await engine.containerLogs(c.id, { follow: false }, abort.signal);
      assert.equal(tty, false);
      const out = collect();
      const err = collect();
      await engine.demux(stream, out.stream, err.stream);
      await new Promise((r) => stream.once('end', r));
      assert.equal(out.text(), 'out-line\n');
      assert.equal(err.text(), 'err-line\n');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('inspects a container and says when one is gone', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { lab: 'tp1' } });
    const info = await engine.inspectContainer(c.id);
    assert.equal(info.Config.Labels['lab'], 'tp1');
    await c.remove();
    assert.equal(await engine.getContainer(c.id), undefined);
    await assert.rejects(engine.inspectContainer(c.id), (e: { statusCode?: number }) => e.statusCode === 404);
  });
});
