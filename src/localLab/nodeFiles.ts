import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAB_REGISTRY, LAB_REGISTRY_HOST } from '../core/labSteps/labConfig';
import { CORE_UID, LabLayout, LabNode } from './labLayout';
import { run } from './run';

/**
 * The files that make a namespace a host of its own: /etc entries bind-mounted
 * over the machine's, a home for `core`, an sshd and a dockerd configuration,
 * and the keys. Keys are made once and kept, so known_hosts stays valid.
 */

function writeIfChanged(file: string, content: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, content, { mode });
    fs.renameSync(tmp, file);
  }
  fs.chmodSync(file, mode);
}

async function ensureKey(file: string, comment: string): Promise<string> {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  }
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

/** The machine's file plus the node's own lines (a user `core` in the docker group). */
function withCoreUser(hostFile: string, transform: (lines: string[]) => string[]): string {
  const lines = fs
    .readFileSync(hostFile, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('core:'));
  return `${transform(lines).join('\n')}\n`;
}

export function hostsFile(layout: LabLayout, node: LabNode): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `${layout.hostAddress}\tlab-host`,
    ...layout.nodes.map((n) => `${n.address}\t${n.name}`),
    // The registry runs on every node (host-mode port): each node reaches its own.
    `${node.address}\t${LAB_REGISTRY_HOST}`,
    '',
  ].join('\n');
}

export function daemonJson(layout: LabLayout): string {
  return `${JSON.stringify(
    {
      hosts: ['unix:///var/run/docker.sock'],
      // Containers under the node's cgroup: per-node figures, and a kill of
      // the node reaches every container process.
      'cgroup-parent': 'swarmlab-containers',
      'shutdown-timeout': 5,
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '1m', 'max-file': '2' },
      'insecure-registries': [layout.subnet, LAB_REGISTRY],
    },
    null,
    2,
  )}\n`;
}

export function sshdConfig(node: LabNode): string {
  return [
    `ListenAddress ${node.address}:22`,
    `HostKey ${path.join(node.dir, 'etc', 'ssh', 'ssh_host_ed25519_key')}`,
    'PidFile /run/sshd.pid',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PermitRootLogin no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'AllowUsers core',
    // Debian's sshd gates Unix-socket forwarding (Docker's API) on this too.
    'AllowTcpForwarding local',
    'AllowStreamLocalForwarding local',
    'X11Forwarding no',
    'PrintMotd no',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

export async function writeLabKeys(layout: LabLayout): Promise<string> {
  return ensureKey(layout.coreKey, 'core@swarm-lab');
}

/** Writes everything a node needs before it starts; returns its host public key. */
export async function writeNodeFiles(layout: LabLayout, node: LabNode, corePublicKey: string): Promise<string> {
  const etc = path.join(node.dir, 'etc');
  const hostKey = await ensureKey(path.join(etc, 'ssh', 'ssh_host_ed25519_key'), `root@${node.name}`);
  writeIfChanged(path.join(etc, 'hostname'), `${node.name}\n`);
  writeIfChanged(path.join(etc, 'hosts'), hostsFile(layout, node));
  // Lookups outside the lab fail at once: nothing answers on the host side.
  writeIfChanged(path.join(etc, 'resolv.conf'), `nameserver ${layout.hostAddress}\noptions timeout:1 attempts:1\n`);
  writeIfChanged(
    path.join(etc, 'passwd'),
    withCoreUser('/etc/passwd', (l) => [...l, `core:x:${CORE_UID}:${CORE_UID}:Swarm Lab:/home/core:/bin/sh`]),
  );
  writeIfChanged(
    path.join(etc, 'group'),
    withCoreUser('/etc/group', (lines) => [
      ...lines.map((l) => (l.startsWith('docker:') ? addMember(l, 'core') : l)),
      `core:x:${CORE_UID}:`,
    ]),
  );
  // "*" (no password), not "!" (locked): a locked account cannot log in by key without PAM.
  writeIfChanged(
    path.join(etc, 'shadow'),
    withCoreUser('/etc/shadow', (l) => [...l, 'core:*:20000:0:99999:7:::']),
    0o640,
  );
  writeIfChanged(path.join(etc, 'ssh', 'sshd_config'), sshdConfig(node));
  writeIfChanged(path.join(node.dir, 'etc-docker', 'daemon.json'), daemonJson(layout));
  const ssh = path.join(node.dir, 'home', 'core', '.ssh');
  writeIfChanged(path.join(ssh, 'authorized_keys'), `${corePublicKey}\n`, 0o600);
  for (const d of [path.join(node.dir, 'home', 'core'), ssh]) {
    fs.chmodSync(d, 0o700);
    fs.chownSync(d, CORE_UID, CORE_UID);
  }
  fs.chownSync(path.join(ssh, 'authorized_keys'), CORE_UID, CORE_UID);
  fs.mkdirSync(path.join(node.dir, 'docker'), { recursive: true, mode: 0o711 });
  // The node's own GlusterFS state, logs and bricks (section 5's shared storage), kept between starts.
  for (const d of ['glusterd', 'log-glusterfs', 'srv']) {
    fs.mkdirSync(path.join(node.dir, d), { recursive: true, mode: 0o755 });
  }
  // A fresh /run each start: no stale sockets or pid files from a killed node.
  fs.rmSync(path.join(node.dir, 'run'), { recursive: true, force: true });
  fs.mkdirSync(path.join(node.dir, 'run', 'sshd'), { recursive: true, mode: 0o755 });
  return hostKey;
}

function addMember(groupLine: string, user: string): string {
  const [name, pw, gid, members = ''] = groupLine.split(':');
  const list = members.split(',').filter(Boolean);
  return [name, pw, gid, [...new Set([...list, user])].join(',')].join(':');
}

/** `ssh -F <ssh_config> core-01` from this machine, with the nodes' keys pinned. */
export function writeSshFiles(layout: LabLayout, hostKeys: ReadonlyMap<string, string>): void {
  const blocks = layout.nodes.map((n) =>
    [
      `Host ${n.name}`,
      `  HostName ${n.address}`,
      '  User core',
      `  IdentityFile ${layout.coreKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${layout.knownHosts}`,
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  writeIfChanged(layout.sshConfig, `# Written by Swarm Lab for the local lab.\n\n${blocks.join('\n')}`);
  const known = layout.nodes
    .filter((n) => hostKeys.has(n.name))
    .map((n) => {
      const [type, key] = hostKeys.get(n.name)!.split(' ');
      return `${n.name},${n.address} ${type} ${key}`;
    });
  writeIfChanged(layout.knownHosts, `${known.join('\n')}\n`);
}
