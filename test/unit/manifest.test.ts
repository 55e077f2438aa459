import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAB_REGISTRY } from '../../src/core/labSteps/labConfig';
import { readJson, ROOT } from './repoFiles';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  l10n: string;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    configuration: { properties: Record<string, unknown> };
    menus: Record<string, { command: string; when?: string }[]>;
    walkthroughs: {
      id: string;
      title: string;
      steps: {
        id: string;
        title: string;
        description: string;
        media: { markdown?: string };
        completionEvents: string[];
      }[];
    }[];
  };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

describe('package.json (the manifest)', () => {
  const pkg = readJson<Manifest>('package.json');
  const nls = readJson<Record<string, string>>('package.nls.json');
  const nlsFr = readJson<Record<string, string>>('package.nls.fr.json');

  it('is the swarm-lab extension, bundled into dist/extension.js', () => {
    assert.equal(pkg.name, 'swarm-lab');
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.l10n, './l10n');
  });

  it('activates on its views, commands, compose files and restored lab panel only, never on "*"', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(
      pkg.activationEvents.every((e) =>
        /^(workspaceContains:|onLanguage:|onView:|onCommand:|onWebviewPanel:swarmLab\.)/.test(e),
      ),
    );
    assert.ok(pkg.activationEvents.some((e) => e.includes('compose')));
  });

  it('names every command swarmLab.* in the "Swarm Lab" category', () => {
    for (const c of pkg.contributes.commands) {
      assert.match(c.command, /^swarmLab\./);
      assert.equal(c.category, '%command.category%');
    }
    assert.equal(nls['command.category'], 'Swarm Lab');
  });

  it('names every setting swarmLab.*', () => {
    for (const key of Object.keys(pkg.contributes.configuration.properties)) {
      assert.match(key, /^swarmLab\./);
    }
  });

  it('defaults swarmLab.registry to the lab registry the code names', () => {
    const registry = pkg.contributes.configuration.properties['swarmLab.registry'] as { default?: string };
    assert.equal(registry.default, LAB_REGISTRY);
    assert.equal(LAB_REGISTRY, 'm1.swarm:5000');
  });

  it('gives each of the three views welcome content', () => {
    for (const id of ['swarmLab.machines', 'swarmLab.swarm', 'swarmLab.containers']) {
      assert.ok(
        pkg.contributes.viewsWelcome.some((w) => w.view === id),
        `${id} has no welcome content`,
      );
    }
  });

  it('has an English and a French string for every %key%, and no stale ones', () => {
    const used = new Set([...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
    assert.ok(used.size > 10);
    for (const key of used) {
      assert.ok(nls[key], `package.nls.json lacks ${key}`);
      assert.ok(nlsFr[key], `package.nls.fr.json lacks ${key}`);
    }
    assert.deepEqual(Object.keys(nls).sort(), [...used].sort(), 'package.nls.json has keys no one uses');
    assert.deepEqual(Object.keys(nlsFr).sort(), Object.keys(nls).sort());
  });

  it('points menus only at commands it declares', () => {
    const declared = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const entries of Object.values(pkg.contributes.menus)) {
      for (const e of entries) {
        assert.ok(declared.has(e.command), `${e.command} is in a menu but not declared`);
      }
    }
  });

  it('has a getting-started walkthrough whose media exist, are packaged, and whose events name real commands and views', () => {
    const declared = new Set(pkg.contributes.commands.map((c) => c.command));
    const views = new Set(Object.values(pkg.contributes.views).flatMap((v) => v.map((view) => view.id)));
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.equal(walkthrough?.id, 'swarmLab.gettingStarted');
    assert.deepEqual(
      walkthrough.steps.flatMap((s) => s.completionEvents.filter((e) => e.startsWith('onCommand:'))),
      [
        'onCommand:swarmLab.lab.open',
        'onCommand:swarmLab.machines.addSshHost',
        'onCommand:swarmLab.localLab.start',
        'onCommand:swarmLab.vagrant.configureVagrantfile',
      ],
    );
    for (const step of walkthrough.steps) {
      const media = step.media.markdown;
      assert.ok(media && fs.existsSync(path.join(ROOT, media)), `${step.id}: media ${media} is missing`);
      assert.ok(media.startsWith('media/') && ignore.includes('!media/**'), `${step.id}: ${media} is not packaged`);
      assert.ok(step.completionEvents.length > 0, `${step.id} never completes`);
      for (const event of step.completionEvents) {
        const [kind, id] = event.split(':');
        if (kind === 'onCommand') {
          assert.ok(declared.has(id), `${step.id}: ${id} is not a declared command`);
        } else {
          assert.equal(kind, 'onView', event);
          assert.ok(views.has(id), `${step.id}: ${id} is not a declared view`);
        }
      }
      // Each command link in a description runs a declared command.
      for (const m of (nls[step.description.slice(1, -1)] ?? '').matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(declared.has(m[1]), `${step.id}: the link runs ${m[1]}, which is not declared`);
      }
    }
  });

  it('ships the libraries chosen for the field', () => {
    for (const dep of ['dockerode', 'ssh2', 'yaml', 'markdown-it']) {
      assert.ok(pkg.dependencies[dep], dep);
    }
    assert.ok(!pkg.dependencies['vscode'], 'vscode is provided by the host');
  });
});
