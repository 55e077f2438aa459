/**
 * The `nsenter` command line that enters a container's namespaces from its
 * node, the lab's way of showing what a container shares with its host (Q6).
 * `network`: only the network namespace, with the node's own tools (ip, ss):
 * what the container sees of addresses and the virtual IP. `all`: every
 * namespace, with the container's filesystem and shell.
 */
export type NamespaceScope = 'network' | 'all';

const FLAGS: Record<NamespaceScope, readonly string[]> = {
  network: ['--net'],
  all: ['--mount', '--uts', '--ipc', '--net', '--pid'],
};

export function nsenterArgs(pid: number, scope: NamespaceScope): string[] {
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new Error(`not a process ID: ${pid}`);
  }
  return ['nsenter', `--target=${pid}`, ...FLAGS[scope], '--', 'sh'];
}

/**
 * Where the terminal runs it: on this computer (the local lab's nodes and the
 * local engine share its PID namespace), as root or through sudo; or on a
 * remote node through ssh with a TTY, through `sudo -n` (never prompting).
 * Every word is fixed or a number, so the remote command needs no quoting.
 */
export function nsenterInvocation(
  pid: number,
  scope: NamespaceScope,
  where:
    | { kind: 'here'; isRoot: boolean }
    | { kind: 'ssh'; user: string; host: string; port: number; identityFile?: string; knownHostsFile?: string },
): { command: string; args: string[] } {
  const args = nsenterArgs(pid, scope);
  if (where.kind === 'here') {
    return where.isRoot ? { command: args[0], args: args.slice(1) } : { command: 'sudo', args };
  }
  const identity = where.identityFile ? ['-i', where.identityFile] : [];
  // The same known_hosts as every other connection of Swarm Lab (swarmLab.knownHostsFile).
  const knownHosts = where.knownHostsFile ? ['-o', `UserKnownHostsFile=${where.knownHostsFile}`] : [];
  if (where.host.startsWith('-') || where.user.startsWith('-')) {
    throw new Error(`not a host: ${where.user}@${where.host}`);
  }
  return {
    command: 'ssh',
    args: [
      '-t',
      '-p',
      String(where.port),
      ...identity,
      ...knownHosts,
      `${where.user}@${where.host}`,
      ['sudo', '-n', ...args].join(' '),
    ],
  };
}
