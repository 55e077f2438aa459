import { REGISTRY_IMAGE } from '../../src/core/labSteps/labImages';
import type { SshConnection } from '../../src/clients/ssh/sshConnection';
import { LAB_REGISTRY } from '../../src/core/labSteps/labConfig';
import { LabLayout } from '../../src/localLab/labLayout';

/**
 * What students do instead of streaming an image from node to node: push it
 * to the lab registry and pull it on every other node, each over the node's
 * SSH connection (`vagrant ssh core-0N -c 'docker …'`). The registry is the
 * lab's own image (Debian's docker-registry in the local lab), run on one
 * node with its port published there, as the lab's registry service is.
 */
const CONTAINER = 'swarm-lab-bench-registry';

async function run(conn: SshConnection, command: string): Promise<string> {
  const out = await conn.exec(command);
  if (out.code !== 0) {
    throw new Error(`\`${command}\` failed (${out.code}): ${(out.stderr || out.stdout).trim().slice(-500)}`);
  }
  return out.stdout;
}

export class BenchRegistry {
  /** The repository a push names: the lab's registry name, which resolves to the node itself. */
  readonly pushRef: string;
  /** The repository the other nodes pull: the registry's node by its address (an insecure registry of the lab). */
  readonly pullRef: string;

  constructor(
    private readonly host: SshConnection,
    layout: LabLayout,
    tag: string,
  ) {
    this.pushRef = `${LAB_REGISTRY}/${tag}`;
    this.pullRef = `${layout.nodes[0].address}:5000/${tag}`;
  }

  /** A registry with empty storage, answering on port 5000 (not timed: the lab deploys it once). */
  async fresh(): Promise<void> {
    await this.stop();
    await run(
      this.host,
      `docker run -d --name ${CONTAINER} -p 5000:5000 ${REGISTRY_IMAGE.substitute!} >/dev/null && ` +
        'i=0; until curl -fsS -m 5 http://127.0.0.1:5000/v2/ >/dev/null; do i=$((i+1)); ' +
        'if [ "$i" -ge 30 ]; then exit 1; fi; sleep 0.2; done',
    );
  }

  async stop(): Promise<void> {
    await this.host.exec(`docker rm -fv ${CONTAINER} >/dev/null 2>&1; true`);
  }

  /** `docker tag` + `docker push` on the registry's node, of an image it has. */
  push(image: string): Promise<string> {
    return run(this.host, `docker tag ${image} ${this.pushRef} && docker push ${this.pushRef}`);
  }

  /** `docker pull` on each node, all at once. */
  pull(conns: readonly SshConnection[]): Promise<string[]> {
    return Promise.all(conns.map((c) => run(c, `docker pull ${this.pullRef}`)));
  }

  /** Forgets the registry's tags on every node (the images themselves are removed by the caller). */
  async untag(conns: readonly SshConnection[]): Promise<void> {
    await Promise.all(conns.map((c) => c.exec(`docker rmi -f ${this.pushRef} ${this.pullRef} >/dev/null 2>&1; true`)));
  }
}
