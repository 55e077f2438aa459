import type { Duplex } from 'node:stream';
import type { DockerEngine } from './dockerEngine';

export interface ExecSession {
  /** The process's terminal: what it prints, and where keystrokes go. */
  readonly stream: Duplex;
  resize(columns: number, rows: number): Promise<void>;
  /** The exit code once the process ended (undefined if the engine does not know). */
  exitCode(): Promise<number | undefined>;
}

/**
 * An interactive process in a container with a TTY (`docker exec -it`),
 * through the Docker API: the HTTP connection is hijacked into a raw
 * bidirectional stream, which works the same over a socket forwarded by SSH.
 * bash when the image has it, else sh.
 */
export async function startExecShell(
  engine: DockerEngine,
  containerId: string,
  size: { columns: number; rows: number },
): Promise<ExecSession> {
  const container = (await engine.docker()).getContainer(containerId);
  const exec = await container.exec({
    Cmd: ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', `COLUMNS=${size.columns}`, `LINES=${size.rows}`],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const resize = async (columns: number, rows: number): Promise<void> => {
    await exec.resize({ w: columns, h: rows });
  };
  // The first resize can race the process start; the engine then answers 409, harmless.
  await resize(size.columns, size.rows).catch(() => undefined);
  return {
    stream,
    resize,
    exitCode: async () => ((await exec.inspect()) as { ExitCode?: number | null }).ExitCode ?? undefined,
  };
}
