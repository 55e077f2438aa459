import Docker from 'dockerode';
import type { Locator } from 'playwright-core';
import { labEnv } from '../harness/ground';
import { formManagerSwarm } from '../harness/labSwarm';
import { ensureBusyboxImage } from '../harness/testImages';
import { LabLayout, labLayout } from '../../src/localLab/labLayout';
import { VsCodeSession } from './vscodeSession';

describe('From a machine to a task’s logs, clicking (Playwright, real VS Code, the tests’ local lab)', function () {
  let session: VsCodeSession;
  let layout: LabLayout;
  let docker: Docker[];

  before(async function () {
    this.timeout(180_000);
    const env = labEnv();
    layout = labLayout(env['SWARM_LAB_STATE'] ?? '', 3, Number(env['SWARM_LAB_INSTANCE']));
    docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await formManagerSwarm(layout);
    await docker[0].createService({
      Name: 'ui-talker',
      Mode: { Replicated: { Replicas: 1 } },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'swarm-lab-test/busybox:latest',
          Command: ['sh', '-c', 'trap "exit 0" TERM; echo "hello from ui-talker"; sleep 3600 & wait'],
        },
      },
    });
    session = await VsCodeSession.open('ui-cluster', env);
  });

  after(async function () {
    this.timeout(60_000);
    await session?.close();
    await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
  });

  /** The pane of a view, by its title. */
  const pane = (title: string): Locator =>
    session.page.locator('.pane', {
      has: session.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }),
    });

  it('selects a machine, opens a service, selects its task: its container is revealed on its node', async function () {
    this.timeout(90_000);
    await session.openViewContainer('Swarm Lab');
    const machine = pane('Machines').locator('.monaco-list-row', { hasText: /core-01.*manager/ });
    await machine.waitFor({ timeout: 30_000 });
    await machine.click();

    const service = pane('Swarm').locator('.monaco-list-row', { hasText: /ui-talker.*1\/1 replicas/ });
    await service.waitFor({ timeout: 45_000 });
    await service.click(); // a collapsed item opens on click
    const task = pane('Swarm').locator('.monaco-list-row', { hasText: /ui-talker\.1.*core-0\d · running/ });
    await task.waitFor({ timeout: 20_000 });
    await task.click();

    const container = pane('Containers').locator('.monaco-list-row.selected', { hasText: /ui-talker\.1\./ });
    await container.waitFor({ timeout: 20_000 });
    await session.screenshot('ui-task-container-revealed');
  });

  it("shows that container's logs from its inline action, in a terminal", async function () {
    this.timeout(60_000);
    const container = pane('Containers').locator('.monaco-list-row.selected', { hasText: /ui-talker\.1\./ });
    await container.hover();
    await container.locator('.action-label[aria-label^="Show Logs"]').click();
    await session.page
      .locator('.terminal-wrapper .xterm-rows', { hasText: 'hello from ui-talker' })
      .waitFor({ timeout: 30_000 });
    await session.screenshot('ui-task-container-logs');
  });

  it("shows the service's logs merged from its tasks, each line prefixed with task and node", async function () {
    this.timeout(60_000);
    const service = pane('Swarm').locator('.monaco-list-row', { hasText: /ui-talker.*1\/1 replicas/ });
    await service.hover();
    await service.locator('.action-label[aria-label^="Show Service Logs"]').click();
    await session.page
      .locator('.terminal-wrapper .xterm-rows', { hasText: /ui-talker\.1@core-0\d \| hello from ui-talker/ })
      .waitFor({ timeout: 30_000 });
    await session.screenshot('ui-service-logs');
  });
});
