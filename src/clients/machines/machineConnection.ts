import * as fs from 'node:fs';
import { MachineDefinition, MachineState, swarmRoleOf } from '../../core/machines/machine';
import { english, Localizer } from '../../core/l10n';
import { parseIpv4Addresses } from '../../core/machines/ipAddresses';
import { parseDockerHost } from '../docker/dockerEndpoint';
import { DockerEngine } from '../docker/dockerEngine';
import { HostKeyPolicy, HostKeyRefusedError } from '../ssh/hostKeyPolicy';
import { ForwardedSocketAgent, HostKeyMismatchError, SshConnection, SshTarget } from '../ssh/sshConnection';
import { IdentityError, IdentityLoader } from '../ssh/sshIdentity';

export interface MachineConnectionOptions {
  /** known_hosts for machines without a pinned key. Without it such machines are refused, as before. */
  readonly hostKeys?: HostKeyPolicy;
  /** Loads key files, asking passphrases. Without it the key file is read as is (no passphrase). */
  readonly identities?: IdentityLoader;
}

/**
 * One machine's SSH connection, opened once and reused, with its Docker
 * engine reached through a forwarded Unix socket (no agent on the node, no
 * new handshake per request).
 */
export class MachineConnection {
  private connection: Promise<SshConnection> | undefined;
  private engineInstance: DockerEngine | undefined;

  constructor(
    readonly machine: MachineDefinition,
    private readonly l10n: Localizer = english,
    private readonly options: MachineConnectionOptions = {},
  ) {}

  private connect(): Promise<SshConnection> {
    if (!this.connection) {
      const m = this.machine;
      const pinned = m.hostKey ? Buffer.from(m.hostKey.split(' ')[1] ?? '', 'base64') : undefined;
      const identities = this.options.identities;
      const auth: Partial<SshTarget> = !m.identityFile
        ? {}
        : identities
          ? { loadPrivateKey: () => identities.load(m.identityFile) }
          : { privateKey: fs.readFileSync(m.identityFile) };
      this.connection = SshConnection.open({
        host: m.host,
        port: m.port,
        username: m.user,
        ...auth,
        ...(m.agent ? { agent: m.agent } : {}),
        // A pinned key must match; unpinned hosts go through known_hosts when a policy is given.
        verifyHostKey: this.options.hostKeys
          ? this.options.hostKeys.verifier(m.host, m.port, m.hostKey)
          : (key) => (pinned ? key.equals(pinned) : false),
        readyTimeoutMs: 5_000,
      });
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }

  /** The machine's SSH connection (opened on first use, reopened after it dropped): for commands and uploads. */
  async ssh(): Promise<SshConnection> {
    const conn = await this.connect();
    if (!conn.isOpen) {
      this.connection = undefined;
      this.engineInstance = undefined;
      return this.connect();
    }
    return conn;
  }

  async engine(): Promise<DockerEngine> {
    const conn = await this.connect();
    if (!conn.isOpen) {
      this.connection = undefined;
      this.engineInstance = undefined;
      return this.engine();
    }
    this.engineInstance ??= new DockerEngine({
      endpoint: parseDockerHost(`ssh://${this.machine.user}@${this.machine.host}:${this.machine.port}`),
      agent: new ForwardedSocketAgent(conn, this.machine.dockerSocket ?? '/var/run/docker.sock'),
    });
    return this.engineInstance;
  }

  /** The machine's state now: engine version and swarm role, or why it cannot be reached. */
  async probe(): Promise<MachineState> {
    try {
      const engine = await this.engine();
      const [version, info] = await Promise.all([engine.version(), engine.info()]);
      const nodeId = info.Swarm?.NodeID;
      return {
        kind: 'running',
        engineVersion: version.version,
        swarmRole: swarmRoleOf(info),
        ...(nodeId ? { swarmNodeId: nodeId } : {}),
      };
    } catch (error) {
      this.close();
      return { kind: 'unreachable', reason: describeSshError(error, this.machine, this.l10n) };
    }
  }

  /**
   * The machine's IPv4 addresses (`ip -o -4 addr show`, a fixed command):
   * empty when the machine has no `ip`. Asked on a probe only, never polled.
   */
  async addresses(): Promise<string[]> {
    const conn = await this.connect();
    const r = await conn.exec('ip -o -4 addr show', AbortSignal.timeout(5_000));
    return r.code === 0 ? parseIpv4Addresses(r.stdout) : [];
  }

  close(): void {
    void this.connection?.then(
      (c) => c.close(),
      () => undefined,
    );
    this.connection = undefined;
    this.engineInstance = undefined;
  }
}

/** Each cause of an SSH failure gets its own sentence. */
export function describeSshError(error: unknown, m: MachineDefinition, l10n: Localizer = english): string {
  const where = `${m.user}@${m.host}:${m.port}`;
  if (error instanceof HostKeyRefusedError || error instanceof IdentityError) {
    return error.message; // already the whole sentence, with the fingerprints and the file
  }
  if (error instanceof HostKeyMismatchError) {
    return l10n.t('The host key of {0} changed: Swarm Lab refuses to connect.', where);
  }
  const e = error as { code?: string; level?: string; message?: string };
  if (e?.level === 'agent') {
    return l10n.t('The ssh-agent at {0} cannot be used: {1}', m.agent ?? '', e.message ?? '');
  }
  if (e?.level === 'client-authentication') {
    return m.identityFile
      ? l10n.t('{0} refused the key {1}.', where, m.identityFile)
      : l10n.t('{0} refused the keys of the ssh-agent.', where);
  }
  switch (e?.code) {
    case 'ECONNREFUSED':
      return l10n.t('{0} refused the connection: is sshd running?', where);
    case 'ECONNRESET':
      return l10n.t('{0} closed the connection.', where);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return l10n.t('Cannot resolve {0}.', m.host);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return l10n.t('{0} cannot be reached on the network.', where);
    case 'ENOENT':
      return l10n.t('The key file {0} does not exist.', m.identityFile);
  }
  if (/Timed out/i.test(e?.message ?? '')) {
    return l10n.t('{0} did not answer in time.', where);
  }
  return l10n.t('{0}: {1}', where, e?.message ?? String(error));
}
