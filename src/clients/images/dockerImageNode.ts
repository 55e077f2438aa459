import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { JsonLineSplitter } from '../../core/events/jsonLines';
import { walkFolder } from '../../core/files/walkFolder';
import type { EngineImage } from '../../core/images/imagePresence';
import { parseImageReference } from '../../core/images/imageReference';
import type { DockerEngine } from '../docker/dockerEngine';
import type { BuildRequest, ImageNode } from './imageDistribution';

interface ProgressLine {
  readonly stream?: string;
  readonly status?: string;
  readonly aux?: { readonly ID?: string };
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/**
 * Reads a JSON-lines answer (build, load, push) to its end. The engine
 * reports failures inside a 200 response, so the first error line rejects.
 */
export function readProgress(stream: Readable, onLine: (line: ProgressLine) => void = () => undefined): Promise<void> {
  const splitter = new JsonLineSplitter<ProgressLine>();
  return new Promise<void>((resolve, reject) => {
    let failed: Error | undefined;
    const take = (lines: ProgressLine[]): void => {
      for (const line of lines) {
        if ((line.error || line.errorDetail) && !failed) {
          failed = new Error(line.errorDetail?.message ?? line.error);
        }
        onLine(line);
      }
    };
    stream.on('data', (chunk: Buffer) => take(splitter.push(chunk)));
    stream.on('end', () => {
      take(splitter.end());
      if (failed) {
        reject(failed);
      } else {
        resolve();
      }
    });
    stream.on('error', reject);
    stream.on('close', () => {
      if (!stream.readableEnded) {
        reject(failed ?? new Error('the engine closed the answer before its end'));
      }
    });
  });
}

/** `m1.swarm:5000/python-app:latest` → repo `m1.swarm:5000/python-app`, tag `latest`. */
export function repoAndTag(reference: string): { repo: string; tag: string } {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) {
    throw new Error(parsed.problem.message);
  }
  const { domain, path: p, tag } = parsed.ref;
  return { repo: domain !== undefined ? `${domain}/${p}` : p, tag: tag ?? 'latest' };
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/**
 * One machine's engine as an ImageNode, through its DockerEngine (and so
 * its one SSH connection). Streaming requests (save, load, build, push) have
 * no time limit, only the caller's cancellation; the others have the
 * engine's request deadline.
 */
export class DockerImageNode implements ImageNode {
  constructor(
    readonly name: string,
    private readonly engine: DockerEngine,
  ) {}

  private docker(): Promise<Dockerode> {
    return this.engine.docker();
  }

  async imageId(reference: string): Promise<string | undefined> {
    const docker = await this.docker();
    try {
      const info = await docker.getImage(reference).inspect({ abortSignal: this.engine.deadline() } as object);
      return info.Id;
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  async listImages(): Promise<EngineImage[]> {
    const docker = await this.docker();
    const raw = await docker.listImages({ abortSignal: this.engine.deadline() } as object);
    return raw.map((i) => ({ id: i.Id, tags: i.RepoTags ?? [], created: i.Created }));
  }

  async save(reference: string, signal: AbortSignal): Promise<Readable> {
    const docker = await this.docker();
    // dockerode's `get` takes no abort signal: destroying the stream ends the request.
    const stream = (await docker.getImage(reference).get()) as unknown as Readable;
    const onAbort = (): void => void stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
    return stream;
  }

  async load(tar: Readable, signal: AbortSignal): Promise<void> {
    const docker = await this.docker();
    const answer = (await docker.loadImage(tar, {
      quiet: true,
      abortSignal: signal,
    } as object)) as unknown as Readable;
    await readProgress(answer);
  }

  async build(request: BuildRequest, signal: AbortSignal, log: (line: string) => void): Promise<string> {
    const docker = await this.docker();
    const answer = (await docker.buildImage({ context: request.contextDir, src: [...request.files] }, {
      t: request.tag,
      ...(request.dockerfile !== undefined ? { dockerfile: request.dockerfile } : {}),
      ...(request.target !== undefined ? { target: request.target } : {}),
      ...(request.args && Object.keys(request.args).length > 0 ? { buildargs: request.args } : {}),
      // Lab nodes cannot reach Docker Hub: a base must be on the node already.
      pull: false,
      rm: true,
      forcerm: true,
      abortSignal: signal,
    } as Dockerode.ImageBuildOptions)) as unknown as Readable;
    await readProgress(answer, (line) => {
      const text = line.stream?.trim();
      if (text && /^Step \d+/.test(text)) {
        log(text);
      }
    });
    const id = await this.imageId(request.tag);
    if (id === undefined) {
      throw new Error(`the build ended but ${request.tag} is not there`);
    }
    return id;
  }

  async tag(reference: string, as: string): Promise<void> {
    const docker = await this.docker();
    const { repo, tag } = repoAndTag(as);
    await docker.getImage(reference).tag({ repo, tag });
  }

  async push(reference: string, signal: AbortSignal, log: (line: string) => void): Promise<void> {
    const docker = await this.docker();
    const { repo, tag } = repoAndTag(reference);
    const answer = (await docker.getImage(repo).push({
      tag,
      // The engine wants the header even for a registry without authentication.
      authconfig: {},
      abortSignal: signal,
    } as object)) as unknown as Readable;
    await readProgress(answer, (line) => {
      if (line.status && /^(Pushed|Layer already exists|latest|[\w.-]+: digest)/.test(line.status)) {
        log(line.status);
      }
    });
  }

  /** Whether the registry holds `reference` (`GET /distribution/…`, asked through this node's engine). */
  async inRegistry(reference: string): Promise<boolean> {
    const docker = await this.docker();
    try {
      await docker.getImage(reference).distribution({ abortSignal: this.engine.deadline() } as object);
      return true;
    } catch (error) {
      const e = error as { statusCode?: number; json?: { message?: string }; message?: string };
      // The engine says "manifest unknown" (or 401/404) for a tag the registry lacks.
      if (
        e.statusCode === 404 ||
        e.statusCode === 401 ||
        /manifest unknown|not found/i.test(String(e.json?.message ?? e.message))
      ) {
        return false;
      }
      throw error;
    }
  }
}

/** Files sent as a build context: every file under `dir` (dockerode drops what .dockerignore lists). */
export function contextFiles(dir: string, limit = 20_000): string[] {
  const out: string[] = [];
  for (const { rel, dirent } of walkFolder(dir)) {
    if (dirent.isDirectory()) {
      continue;
    }
    out.push(rel);
    if (out.length > limit) {
      throw new Error(`the build context ${dir} has more than ${limit} files`);
    }
  }
  return out.sort();
}
