import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';

export const BUSYBOX_IMAGE = 'swarm-lab-test/busybox:latest';

/**
 * A busybox image built locally from Debian's busybox-static (no registry
 * can be reached): FROM scratch, the static binary, its applets as links.
 */
export async function ensureBusyboxImage(docker: Dockerode): Promise<string> {
  const existing = await docker.listImages({ filters: JSON.stringify({ reference: [BUSYBOX_IMAGE] }) });
  if (existing.length > 0) {
    return BUSYBOX_IMAGE;
  }
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-busybox-'));
  try {
    fs.copyFileSync('/bin/busybox', path.join(context, 'busybox'));
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        'CMD ["sh"]',
        '',
      ].join('\n'),
    );
    const stream = await docker.buildImage({ context, src: ['Dockerfile', 'busybox'] }, { t: BUSYBOX_IMAGE });
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
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  return BUSYBOX_IMAGE;
}
