/**
 * Where a Docker engine listens, parsed from a DOCKER_HOST-style string.
 * Kept free of dockerode so that it is cheap to import at activation.
 */

export type DockerEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean }
  | { readonly kind: 'ssh'; readonly host: string; readonly port: number; readonly username?: string };

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export class DockerEndpointError extends Error {}

/**
 * Accepts what `DOCKER_HOST` accepts: `unix:///path`, `tcp://host:port`,
 * `ssh://user@host:port`, and a bare absolute socket path for convenience.
 * An empty value means the default socket.
 */
export function parseDockerHost(value: string | undefined): DockerEndpoint {
  const raw = (value ?? '').trim();
  if (raw === '') {
    return { kind: 'unix', socketPath: DEFAULT_DOCKER_SOCKET };
  }
  if (raw.startsWith('/')) {
    return { kind: 'unix', socketPath: raw };
  }
  const match = /^([a-z]+):\/\/(.*)$/i.exec(raw);
  if (!match) {
    throw new DockerEndpointError(
      `"${raw}" is not a Docker host: expected unix:///path, tcp://host:port or ssh://host`,
    );
  }
  const scheme = match[1].toLowerCase();
  const rest = match[2];
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) {
      throw new DockerEndpointError(`"${raw}": a unix socket path must be absolute`);
    }
    return { kind: 'unix', socketPath: rest };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https' || scheme === 'ssh') {
    let url: URL;
    try {
      url = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`);
    } catch {
      throw new DockerEndpointError(`"${raw}" has no valid host`);
    }
    if (!url.hostname) {
      throw new DockerEndpointError(`"${raw}" has no host`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // Never an option in disguise (`-oProxyCommand=…`), whatever reads the value next.
    if (host.startsWith('-')) {
      throw new DockerEndpointError(`"${raw}": "${host}" is not a host name`);
    }
    const username = url.username ? decodeURIComponent(url.username) : '';
    if (username !== '' && !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(username)) {
      throw new DockerEndpointError(`"${raw}": "${username}" is not a user name`);
    }
    if (scheme === 'ssh') {
      return {
        kind: 'ssh',
        host,
        port: url.port ? Number(url.port) : 22,
        ...(username ? { username } : {}),
      };
    }
    const tls = scheme === 'https';
    return { kind: 'tcp', host, port: url.port ? Number(url.port) : tls ? 2376 : 2375, tls };
  }
  throw new DockerEndpointError(`"${raw}": unsupported scheme "${scheme}"`);
}

export function describeEndpoint(e: DockerEndpoint): string {
  switch (e.kind) {
    case 'unix':
      return `unix://${e.socketPath}`;
    case 'tcp':
      return `${e.tls ? 'https' : 'tcp'}://${e.host}:${e.port}`;
    case 'ssh':
      return `ssh://${e.username ? `${e.username}@` : ''}${e.host}:${e.port}`;
  }
}
