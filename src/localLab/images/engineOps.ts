import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type Dockerode from 'dockerode';
import type { BuildContext } from './buildContext';

/**
 * The few Docker API calls the lab images need (build, import, save, load),
 * each turned into a promise that fails with the engine's own message:
 * build and load report errors inside a 200 response's JSON stream.
 */

/** dockerode is loaded on first use, never on the extension's activation path. */
export async function connect(socketPath: string): Promise<Dockerode> {
  const { default: Docker } = await import('dockerode');
  return new Docker({ socketPath });
}

interface ProgressLine {
  readonly stream?: string;
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { message?: string };
}

/** Reads a JSON-lines progress stream to its end; rejects on the first error line. */
function followProgress(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onLine?: (line: ProgressLine) => void,
): Promise<ProgressLine[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: ProgressLine[]) => {
        const failed = output?.find((o) => o.error || o.errorDetail);
        if (err) {
          reject(err);
        } else if (failed) {
          reject(new Error(failed.errorDetail?.message ?? failed.error));
        } else {
          resolve(output ?? []);
        }
      },
      onLine,
    );
  });
}

export async function buildImage(
  docker: Dockerode,
  context: BuildContext,
  tags: readonly string[],
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const stream = await docker.buildImage(
    { context: context.dir, src: context.src },
    // A base that is local only must never be looked up in a registry.
    { t: tags[0], pull: false, rm: true, forcerm: true, abortSignal: signal },
  );
  await followProgress(docker, stream, (line) => {
    const text = line.stream?.trim();
    if (text && /^Step \d+/.test(text)) {
      log(`  ${text}`);
    }
  });
  for (const tag of tags.slice(1)) {
    const { repo, tag: version } = splitName(tag);
    await docker.getImage(tags[0]).tag({ repo, tag: version });
  }
}

/** `docker import` of a rootfs tarball (gzip accepted), with Dockerfile-style changes. */
export async function importImage(
  docker: Dockerode,
  tarball: string,
  name: string,
  changes: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  const { repo, tag } = splitName(name);
  const stream = await docker.importImage(fs.createReadStream(tarball), {
    repo,
    tag,
    changes: [...changes],
    abortSignal: signal,
  });
  await followProgress(docker, stream);
}

/** `docker save NAMES | gzip -1 > file`: level 1 is 5× faster than the default for ~10% more bytes. */
export async function saveImages(
  docker: Dockerode,
  names: readonly string[],
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  // dockerode has GET /images/get (several names) as getImages; its typings lack it.
  const withSave = docker as unknown as {
    getImages(opts: { names: string[]; abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
  };
  const stream = await withSave.getImages({ names: [...names], abortSignal: signal });
  await pipeline(stream, zlib.createGzip({ level: 1 }), fs.createWriteStream(file), { signal });
}

/** `docker load` of a (gzip) tarball; the engine decompresses it itself. */
export async function loadImages(docker: Dockerode, tarball: string, signal?: AbortSignal): Promise<void> {
  const stream = await docker.loadImage(fs.createReadStream(tarball), { quiet: true, abortSignal: signal });
  await followProgress(docker, stream);
}

/** name → image ID for the names this engine has (missing names are left out). */
export async function imageIds(docker: Dockerode, names: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await Promise.all(
    names.map(async (name) => {
      try {
        const info = await docker.getImage(name).inspect();
        ids.set(name, info.Id);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) {
          throw error;
        }
      }
    }),
  );
  return ids;
}

/** `m1.swarm:5000/python-app:latest` → repo `m1.swarm:5000/python-app`, tag `latest` (a registry port is not a tag). */
export function splitName(name: string): { repo: string; tag: string } {
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? { repo: name.slice(0, colon), tag: name.slice(colon + 1) } : { repo: name, tag: 'latest' };
}
