import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';

/** Quick, bounded checks of a node's daemons, as `status` and `up` need them. */

export interface EngineInfo {
  readonly id: string;
  readonly swarmState: string;
  readonly isManager: boolean;
}

function dockerGet<T>(socketPath: string, urlPath: string, timeoutMs: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: urlPath, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) {
          resolve(undefined);
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          resolve(body as unknown as T);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export async function dockerAnswers(socketPath: string, timeoutMs = 1_000): Promise<boolean> {
  return (await dockerGet<string>(socketPath, '/_ping', timeoutMs)) === 'OK';
}

export async function engineInfo(socketPath: string, timeoutMs = 3_000): Promise<EngineInfo | undefined> {
  const info = await dockerGet<{ ID?: string; Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }>(
    socketPath,
    '/info',
    timeoutMs,
  );
  if (!info || typeof info !== 'object') {
    return undefined;
  }
  return {
    id: info.ID ?? '',
    swarmState: info.Swarm?.LocalNodeState ?? 'inactive',
    isManager: info.Swarm?.ControlAvailable ?? false,
  };
}

/** True when an SSH server greets on host:port. */
export function sshAnswers(host: string, port = 22, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** The process number a pid file holds; undefined when the file is missing or holds no valid pid. */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Re-checks `check` every `intervalMs` until it holds or `timeoutMs` passes (bounded). */
export async function until(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) {
      return true;
    }
    if (Date.now() >= deadline) {
      return false;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
