import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import { dockerGround, labEnv } from '../harness/ground';
import { ensureBusyboxImage } from '../harness/testImages';
import { VsCodeSession } from './vscodeSession';

describe('Swarm Lab as a person sees it (Playwright, real VS Code, real dockerd)', function () {
  let session: VsCodeSession;
  let docker: Docker;
  const name = 'swarm-lab-ui-web';

  before(async function () {
    this.timeout(180_000);
    docker = new Docker({ socketPath: dockerGround().socketPath });
    const image = await ensureBusyboxImage(docker);
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    const c = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '600'] });
    await c.start();
    session = await VsCodeSession.open('ui', { DOCKER_HOST: dockerGround().host, ...labEnv() });
  });

  after(async () => {
    await session?.close();
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('opens the Swarm Lab container and shows its three views', async () => {
    await session.openViewContainer('Swarm Lab');
    for (const title of ['Machines', 'Swarm', 'Containers']) {
      await session.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }).waitFor();
    }
  });

  it("shows the local lab's nodes in the Machines view, with their engine", async () => {
    // Machines only: the Containers view groups by machine and has a core-01 row too.
    const machines = session.page.locator('.pane', {
      has: session.page.locator('.pane-header h3.title', { hasText: /^Machines$/i }),
    });
    await machines.locator('.monaco-list-row', { hasText: 'core-01' }).waitFor({ timeout: 30_000 });
    await machines.locator('.monaco-list-row', { hasText: /core-03.*Docker \d+/ }).waitFor({ timeout: 30_000 });
    await session.screenshot('ui-machines-view');
  });

  it('lists the running container in the Containers view', async () => {
    const row = session.page.locator('.pane-body .monaco-list-row .label-name', { hasText: name });
    await row.waitFor({ timeout: 30_000 });
    await session.screenshot('ui-containers-view');
  });

  it('removes the row live when the container is removed outside VS Code', async () => {
    const extra = await docker.createContainer({
      name: `${name}-2`,
      Image: 'swarm-lab-test/busybox:latest',
      Cmd: ['true'],
    });
    const row = session.page.locator('.pane-body .monaco-list-row .label-name', { hasText: `${name}-2` });
    await row.waitFor({ timeout: 10_000 });
    await extra.remove({ force: true });
    await row.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('runs a command from the palette (F1) and shows its notification', async () => {
    await session.runCommand('Swarm Lab: Check Docker Connection');
    const toast = session.page.locator('.notification-toast', { hasText: 'Connected to Docker Engine' });
    await toast.waitFor({ timeout: 20_000 });
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /Connected to Docker Engine [\d.]+/);
    await session.screenshot('ui-palette-notification');
  });
});
