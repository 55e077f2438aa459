import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { ArchiveLoadResult } from '../../../src/features/images/commands/loadImagesFromArchives';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab } from './extensionApi';

const REF = 'swarm-lab-test/archive-command-probe:latest';

/** Reads a build's answer to its end; the first error line fails. */
async function built(stream: NodeJS.ReadableStream, docker: Docker): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
      const failed = output?.find((o) => o.error);
      if (err || failed) {
        reject(err ?? new Error(failed!.error));
      } else {
        resolve();
      }
    }),
  );
}

describe('Load Images from Archives, in a real VS Code on the tests’ local lab', function () {
  const workspace = process.env['SWARM_LAB_TEST_WORKSPACE'] ?? '';
  const folder = path.join(workspace, 'image-archives');
  const docker = testLabLayout().nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));

  const ids = (): Promise<(string | undefined)[]> =>
    Promise.all(
      docker.map((d) =>
        d
          .getImage(REF)
          .inspect()
          .then(
            (i) => i.Id,
            () => undefined,
          ),
      ),
    );

  before(async function () {
    this.timeout(180_000);
    assert.ok(workspace, 'the runner names the test workspace');
    fs.rmSync(folder, { recursive: true, force: true });
    const context = path.join(folder, 'context');
    fs.mkdirSync(context, { recursive: true });
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await Promise.all(
      docker.map((d) =>
        d
          .getImage(REF)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    // An image only core-01 has, saved into the folder as a teacher would hand it out.
    fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM ${BUSYBOX_IMAGE}\nCOPY run.txt /run.txt\n`);
    fs.writeFileSync(path.join(context, 'run.txt'), `${process.pid} ${Date.now()}\n`);
    await built(await docker[0].buildImage({ context, src: ['Dockerfile', 'run.txt'] }, { t: REF }), docker[0]);
    const saved = (await docker[0].getImage(REF).get()) as unknown as Readable;
    await pipeline(saved, fs.createWriteStream(path.join(folder, 'probe.tar')));
    // Beside it, what is not an image archive: reported, not offered.
    fs.writeFileSync(path.join(folder, 'notes.tar'), 'not a tarball\n'.repeat(100));
    await activateSwarmLab();
  });

  after(async function () {
    this.timeout(60_000);
    fs.rmSync(folder, { recursive: true, force: true });
    await Promise.all(
      docker.map((d) =>
        d
          .getImage(REF)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  it('loads the chosen archive on the machines that lack it: the image is on every node with one ID', async function () {
    this.timeout(180_000);
    const [source, ...others] = await ids();
    assert.ok(source);
    assert.deepEqual(others, [undefined, undefined]);
    const results = await vscode.commands.executeCommand<ArchiveLoadResult[]>(
      'swarmLab.images.loadFromArchives',
      folder,
      ['probe.tar'],
    );
    assert.deepEqual(
      results.map((r) => [r.archive, r.outcomes.map((o) => [o.node, o.kind])]),
      [
        [
          'probe.tar',
          [
            ['core-01', 'skipped'],
            ['core-02', 'loaded'],
            ['core-03', 'loaded'],
          ],
        ],
      ],
      JSON.stringify(results),
    );
    assert.deepEqual(await ids(), [source, source, source]);
  });
});
