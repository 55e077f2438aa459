import * as assert from 'node:assert/strict';
import { COMMAND_TRUST, commandAllowed, commandTrust, needsTrust } from '../../src/core/trust/commandTrust';
import { read, readJson, sourceFiles } from './repoFiles';

interface Manifest {
  contributes: {
    commands: Array<{ command: string }>;
    configuration: { properties: Record<string, unknown> } | Array<{ properties: Record<string, unknown> }>;
  };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
}

const manifest = readJson<Manifest>('package.json');
const contributed = manifest.contributes.commands.map((c) => c.command);

/**
 * What runs in a workspace that is not trusted, written out here on purpose:
 * moving a command into this list is a decision a reviewer should see.
 */
const ALLOWED_UNTRUSTED = [
  'swarmLab.clusterMap.show',
  'swarmLab.checkDockerConnection',
  'swarmLab.containers.inspect',
  'swarmLab.containers.refresh',
  'swarmLab.containers.showLogs',
  'swarmLab.containers.showMore',
  'swarmLab.images.chooseAction',
  'swarmLab.lab.open',
  'swarmLab.machines.addSshHost',
  'swarmLab.machines.refresh',
  'swarmLab.openSettings',
  'swarmLab.report.exportHtml',
  'swarmLab.report.exportMarkdown',
  'swarmLab.report.import',
  'swarmLab.showLog',
  'swarmLab.swarm.refresh',
  'swarmLab.swarm.revealTaskContainer',
  'swarmLab.swarm.showMore',
  'swarmLab.swarm.showServiceLogs',
];

/** Settings that name no host, key, file, image or command: the workspace's value is used even untrusted. */
const UNRESTRICTED_SETTINGS = ['swarmLab.swarm.managers'];

describe('Workspace Trust: every command declares what it does', () => {
  it('gives every contributed command a trust kind', () => {
    const undeclared = contributed.filter((id) => commandTrust(id) === undefined);
    assert.deepEqual(undeclared, [], 'declare these in src/core/trust/commandTrust.ts');
  });

  it('declares no command that does not exist', () => {
    const stale = Object.keys(COMMAND_TRUST).filter((id) => !contributed.includes(id));
    assert.deepEqual(stale, []);
  });

  it('declares the commands of every feature (src/features) too, contributed or not', () => {
    const ids = sourceFiles('src/features').flatMap((f) =>
      [...read(f).matchAll(/\bid: '(swarmLab\.[\w.]+)'/g)].map((m) => m[1]),
    );
    assert.ok(ids.length > 30, `only ${ids.length} command ids found`);
    assert.deepEqual(
      ids.filter((id) => commandTrust(id) === undefined),
      [],
    );
  });

  it('lets only reading commands and the report run untrusted; the rest wait for trust', () => {
    for (const id of contributed) {
      const kind = commandTrust(id)!;
      assert.equal(commandAllowed(id, false), ALLOWED_UNTRUSTED.includes(id), `${id} (${kind})`);
      assert.equal(commandAllowed(id, true), true, id);
    }
  });

  it('refuses Vagrant, steps, dry runs, shells and workspace edits untrusted', () => {
    for (const id of [
      'swarmLab.vagrant.up',
      'swarmLab.machines.openTerminal',
      'swarmLab.steps.run',
      'swarmLab.steps.dryRun',
      'swarmLab.containers.openShell',
      'swarmLab.compose.switchImage',
      'swarmLab.vagrant.configureVagrantfile',
      'swarmLab.localLab.start',
    ]) {
      assert.equal(commandAllowed(id, false), false, id);
    }
    assert.equal(needsTrust('reads'), false);
    assert.equal(needsTrust('report-edit'), false);
    for (const kind of ['local-program', 'remote-commands', 'workspace-write'] as const) {
      assert.equal(needsTrust(kind), true, kind);
    }
  });

  it('refuses a command the table does not know when untrusted (fail closed)', () => {
    assert.equal(commandAllowed('swarmLab.someday.newCommand', false), false);
    assert.equal(commandAllowed('swarmLab.someday.newCommand', true), true);
  });

  it('restricts, in an untrusted workspace, every setting that names a host, key, file, image or command', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    const sections = Array.isArray(manifest.contributes.configuration)
      ? manifest.contributes.configuration
      : [manifest.contributes.configuration];
    const settings = sections.flatMap((s) => Object.keys(s.properties));
    const expected = settings.filter((k) => !UNRESTRICTED_SETTINGS.includes(k)).sort();
    assert.deepEqual([...untrusted.restrictedConfigurations].sort(), expected);
  });
});
