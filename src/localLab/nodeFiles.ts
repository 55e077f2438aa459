import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAB_REGISTRY, LAB_REGISTRY_HOST } from '../core/labSteps/labConfig';
import { CORE_UID, LabLayout, LabNode } from './labLayout';
import { nodeUpperDir } from './nodeProcess';
import { run } from './run';

/**
 * The files that make the nodes' shared base system one node: its name,
 * addresses, resolver, machine ID, host key, sshd address, `core`'s key and
 * Docker's configuration, written into the node's own overlay layer before
 * it boots. Keys are made once and kept, so known_hosts stays valid. Nothing
 * of this machine's (no /etc/passwd, no /etc/shadow) goes in.
 */

/** The file written only when its content differs, whole or not at all (a temporary file renamed over it). */
export function writeIfChanged(file: string, content: string, mode = 0o644): void {
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

/** The engine's first configuration (its sockets are the service's flags, as Debian's docker.service has them). */
export function daemonJson(layout: LabLayout): string {
  return `${JSON.stringify(
    {
      'shutdown-timeout': 5,
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '1m', 'max-file': '2' },
      'insecure-registries': [layout.subnet, LAB_REGISTRY],
    },
    null,
    2,
  )}\n`;
}

/** The node's own sshd settings (the base's drop-in has the rest): the address it listens on, its key. */
export function sshdConfig(node: LabNode): string {
  return [`ListenAddress ${node.address}:22`, 'HostKey /etc/ssh/ssh_host_ed25519_key', ''].join('\n');
}

/** The node's host key pair, in its own layer. */
export function hostKeyFile(node: LabNode): string {
  return path.join(nodeUpperDir(node), 'etc', 'ssh', 'ssh_host_ed25519_key');
}

export async function writeLabKeys(layout: LabLayout): Promise<string> {
  return ensureKey(layout.coreKey, 'core@swarm-lab');
}

/**
 * Makes `rel` (and its parents) in the node's layer, each with the owner and
 * mode the base gives it: a folder in an overlay's upper layer decides the
 * merged folder's owner and mode.
 */
function upperDir(
  baseDir: string,
  upper: string,
  rel: string,
  absent: { uid: number; gid: number; mode: number } = { uid: 0, gid: 0, mode: 0o755 },
): string {
  let done = upper;
  fs.mkdirSync(upper, { recursive: true, mode: 0o755 });
  for (const part of rel.split('/').filter(Boolean)) {
    const base = path.join(baseDir, path.relative(upper, done), part);
    done = path.join(done, part);
    if (!fs.existsSync(done)) {
      const st = fs.existsSync(base) ? fs.statSync(base) : absent;
      fs.mkdirSync(done, { mode: st.mode & 0o7777 });
      fs.chmodSync(done, st.mode & 0o7777);
      fs.chownSync(done, st.uid, st.gid);
    }
  }
  return done;
}

/** Writes everything a node needs before it boots; returns its host public key. */
export async function writeNodeFiles(
  layout: LabLayout,
  node: LabNode,
  corePublicKey: string,
  baseDir: string,
): Promise<string> {
  const upper = nodeUpperDir(node);
  const etc = upperDir(baseDir, upper, 'etc');
  upperDir(baseDir, upper, 'etc/ssh/sshd_config.d');
  const hostKey = await ensureKey(hostKeyFile(node), `root@${node.name}`);
  fs.chmodSync(hostKeyFile(node), 0o600);
  writeIfChanged(path.join(etc, 'hostname'), `${node.name}\n`);
  writeIfChanged(path.join(etc, 'hosts'), hostsFile(layout, node));
  // Lookups outside the lab fail at once: nothing answers on the host side.
  writeIfChanged(path.join(etc, 'resolv.conf'), `nameserver ${layout.hostAddress}\noptions timeout:1 attempts:1\n`);
  // A machine ID of its own (an empty one would give every node the same, and the same engine ID).
  const machineId = path.join(etc, 'machine-id');
  if (!fs.existsSync(machineId) || fs.readFileSync(machineId, 'utf8').trim() === '') {
    writeIfChanged(machineId, `${crypto.randomBytes(16).toString('hex')}\n`, 0o444);
  }
  writeIfChanged(path.join(etc, 'ssh', 'sshd_config.d', 'node.conf'), sshdConfig(node));
  upperDir(baseDir, upper, 'etc/docker');
  const daemon = path.join(etc, 'docker', 'daemon.json');
  // Written once: from then on it is the node's (section 2's docker.config edits it).
  if (!fs.existsSync(daemon)) {
    writeIfChanged(daemon, daemonJson(layout));
  }
  const ssh = upperDir(baseDir, upper, 'home/core/.ssh', { uid: CORE_UID, gid: CORE_UID, mode: 0o700 });
  writeIfChanged(path.join(ssh, 'authorized_keys'), `${corePublicKey}\n`, 0o600);
  fs.chownSync(path.join(ssh, 'authorized_keys'), CORE_UID, CORE_UID);
  // A fresh runtime folder each start: no stale socket from a killed node.
  fs.rmSync(path.join(node.dir, 'run'), { recursive: true, force: true });
  return hostKey;
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
