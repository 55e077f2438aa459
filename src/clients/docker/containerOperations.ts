import type { DockerEngine } from './dockerEngine';

export type ContainerAction = 'start' | 'stop' | 'restart' | 'remove';

/**
 * What the Containers view can do to a container. Stop and restart give the
 * process Docker's usual 10 s to exit; remove is forced (a running container
 * is killed first), as the confirmation the user saw said.
 */
export async function runContainerAction(engine: DockerEngine, id: string, action: ContainerAction): Promise<void> {
  const container = (await engine.docker()).getContainer(id);
  // Stopping waits for the process, so it gets more than one request's deadline.
  const signal = AbortSignal.timeout(30_000);
  switch (action) {
    case 'start':
      await container.start({ abortSignal: signal } as object);
      return;
    case 'stop':
      await container.stop({ t: 10, abortSignal: signal } as object).catch(ignoreNotModified);
      return;
    case 'restart':
      await container.restart({ t: 10, abortSignal: signal } as object);
      return;
    case 'remove':
      await container.remove({ force: true, abortSignal: signal } as object);
      return;
  }
}

/** 304: already stopped, which is what was asked. */
function ignoreNotModified(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 304) {
    throw error;
  }
}
