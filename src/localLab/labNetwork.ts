import * as fs from 'node:fs';
import { LAB_PREFIX_LENGTH, LabLayout, LabNode, NODE_INTERFACE } from './labLayout';
import { run, runStatus } from './run';

/**
 * The lab's network: a bridge in a namespace of its own, one veth per node
 * into it, and one veth from this machine (the lab's .1) so the host reaches
 * the nodes. The nodes get no default route and no NAT: nothing leaves.
 * Every function is idempotent, so `up` repairs a half-made network.
 */

const ip = (...args: string[]): Promise<unknown> => run('ip', args);

/** Where `ip netns` keeps its named namespaces (bind mounts, one file per name). */
const NETNS_DIR = '/run/netns';

/**
 * The named network namespaces: what `ip netns list` prints, read from its
 * folder. The lab's status is read on every refresh of the Machines view:
 * reading a folder starts no process (none at all in an untrusted window).
 */
export function namespaces(): Promise<Set<string>> {
  try {
    return Promise.resolve(new Set(fs.readdirSync(NETNS_DIR)));
  } catch {
    return Promise.resolve(new Set());
  }
}

async function linkExists(name: string, namespace?: string): Promise<boolean> {
  const args = namespace ? ['-n', namespace, 'link', 'show', name] : ['link', 'show', name];
  return (await runStatus('ip', args)).code === 0;
}

export async function ensureBridge(layout: LabLayout): Promise<void> {
  if (!(await namespaces()).has(layout.bridgeNamespace)) {
    await ip('netns', 'add', layout.bridgeNamespace);
  }
  if (!(await linkExists('br0', layout.bridgeNamespace))) {
    await ip('-n', layout.bridgeNamespace, 'link', 'add', 'br0', 'type', 'bridge');
  }
  await ip('-n', layout.bridgeNamespace, 'link', 'set', 'br0', 'up');
  await ip('-n', layout.bridgeNamespace, 'link', 'set', 'lo', 'up');
  if (!(await linkExists(layout.hostVeth))) {
    await ip('link', 'add', layout.hostVeth, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', layout.bridgeNamespace);
  }
  await ip('-n', layout.bridgeNamespace, 'link', 'set', 'uplink', 'master', 'br0', 'up');
  await ip('addr', 'replace', `${layout.hostAddress}/${LAB_PREFIX_LENGTH}`, 'dev', layout.hostVeth);
  await ip('link', 'set', layout.hostVeth, 'up');
}

export async function ensureNodeNetwork(layout: LabLayout, node: LabNode): Promise<void> {
  if (!(await namespaces()).has(node.namespace)) {
    await ip('netns', 'add', node.namespace);
  }
  const port = `p${String(node.index).padStart(2, '0')}`;
  if (!(await linkExists(NODE_INTERFACE, node.namespace))) {
    // A stale bridge-side end from a node whose namespace went away goes first.
    if (await linkExists(port, layout.bridgeNamespace)) {
      await ip('-n', layout.bridgeNamespace, 'link', 'del', port);
    }
    await ip(
      '-n',
      layout.bridgeNamespace,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      NODE_INTERFACE,
      'netns',
      node.namespace,
    );
  }
  await ip('-n', layout.bridgeNamespace, 'link', 'set', port, 'master', 'br0', 'up');
  await ip('-n', node.namespace, 'link', 'set', 'lo', 'up');
  await ip('-n', node.namespace, 'addr', 'replace', `${node.address}/${LAB_PREFIX_LENGTH}`, 'dev', NODE_INTERFACE);
  await ip('-n', node.namespace, 'link', 'set', NODE_INTERFACE, 'up');
}

export async function removeNodeNetwork(node: LabNode): Promise<void> {
  if ((await namespaces()).has(node.namespace)) {
    // Deleting the namespace deletes its veth, and with it the bridge side.
    await ip('netns', 'del', node.namespace);
  }
}

export async function removeBridge(layout: LabLayout): Promise<void> {
  if ((await namespaces()).has(layout.bridgeNamespace)) {
    await ip('netns', 'del', layout.bridgeNamespace);
  }
  // The kernel destroys a deleted namespace's veths asynchronously: delete
  // the host end ourselves (it may vanish meanwhile) and wait until it has.
  await runStatus('ip', ['link', 'del', layout.hostVeth]);
  for (let i = 0; i < 50 && (await linkExists(layout.hostVeth)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await releaseNetnsMount();
}

/**
 * The first `ip netns add` bind-mounts /run/netns on itself, and `ip netns
 * del` never undoes it: once no namespace is left, undo it here.
 */
async function releaseNetnsMount(): Promise<void> {
  if (!fs.existsSync('/run/netns') || fs.readdirSync('/run/netns').length > 0) {
    return;
  }
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n');
  const count = mounts.filter((l) => l.split(' ')[1] === '/run/netns').length;
  for (let i = 0; i < count; i++) {
    await runStatus('umount', ['/run/netns']);
  }
}
