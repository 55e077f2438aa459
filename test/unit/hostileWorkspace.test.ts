import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { checkedLabImages, nameProblem, virtualIpProblem } from '../../src/core/labSteps/checkedValues';
import { checkRegistryHost } from '../../src/core/images/imageForms';
import { labImage, REGISTRY_IMAGE } from '../../src/core/labSteps/labImages';
import { english } from '../../src/core/l10n';
import { parseSshHostsSetting } from '../../src/core/ssh/sshHosts';
import { vagrantfileMachines } from '../../src/core/vagrant/vagrantfileMachines';
import { resolveSettingPath } from '../../src/core/settings/settingPaths';
import { ROOT } from './repoFiles';

/** test/fixtures/hostile: a workspace as an attacker would hand it over. */
const HOSTILE = path.join(ROOT, 'test', 'fixtures', 'hostile');
const settings = JSON.parse(fs.readFileSync(path.join(HOSTILE, '.vscode', 'settings.json'), 'utf8')) as Record<
  string,
  unknown
>;

describe('a hostile workspace: its Vagrantfile is read, never run', () => {
  it('lists the machines from the text alone, state unknown, and evaluates nothing', () => {
    const text = fs.readFileSync(path.join(HOSTILE, 'Vagrantfile'), 'utf8');
    const read = vagrantfileMachines(HOSTILE, text, english);
    assert.equal(read.problem, undefined);
    assert.deepEqual(
      read.definitions.map((d) => [d.name, d.source, d.host, d.vagrant?.state, d.vagrant?.label]),
      [1, 2, 3].map((i) => [`core-0${i}`, 'vagrant', '', 'other', 'state unknown (workspace not trusted)']),
    );
    assert.ok(!fs.existsSync(path.join(HOSTILE, 'vagrantfile-was-evaluated.marker')));
  });

  it('follows $instance_name_prefix, and says why when the count is computed in Ruby', () => {
    const configure = 'Vagrant.configure("2") do |config|\nend\n';
    const named = vagrantfileMachines(
      '/lab',
      `$num_instances = 2\n$instance_name_prefix = "node"\n${configure}`,
      english,
    );
    assert.deepEqual(
      named.definitions.map((d) => d.name),
      ['node-01', 'node-02'],
    );
    const computed = vagrantfileMachines('/lab', `$num_instances = ENV["N"].to_i\n${configure}`, english);
    assert.deepEqual(computed.definitions, []);
    assert.match(computed.problem ?? '', /only Vagrant can say/);
  });
});

describe('a hostile workspace: every value that reaches a command or a path is refused by name', () => {
  it('refuses -oProxyCommand hosts (swarmLab.hosts), naming the entry', () => {
    const { entries, problems } = parseSshHostsSetting(settings['swarmLab.hosts'], english);
    assert.deepEqual(entries, []);
    assert.equal(problems.length, 2);
    for (const p of problems) {
      assert.match(p.message, /^swarmLab\.hosts, entry \d \(-oProxyCommand=.*\): .* is not a valid host name\.$/);
    }
  });

  it('refuses $(…) and option-like images (swarmLab.images), keeps the sound ones, names each refusal', () => {
    const { images, problems } = checkedLabImages(settings['swarmLab.images'], english);
    assert.deepEqual(images, { redis: 'redis:7' });
    assert.equal(problems.length, 2);
    assert.match(
      problems[0],
      /^swarmLab\.images\.registry: .*variable interpolation.* The lab’s image is used for registry/,
    );
    assert.match(problems[1], /^swarmLab\.images\.keepalived: /);
    // What the steps then run for the refused role: the lab's own image.
    assert.equal(labImage({ environment: 'vm', images }, REGISTRY_IMAGE), REGISTRY_IMAGE.lab);
  });

  it('refuses images with a space, a semicolon, a backquote or a non-string value', () => {
    const { images, problems } = checkedLabImages(
      { a: 'redis; rm -rf /', b: 'x`id`', c: 42, d: 'busybox --privileged', e: '' },
      english,
    );
    assert.deepEqual(images, {});
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['swarmLab.images.a', 'swarmLab.images.b', 'swarmLab.images.c', 'swarmLab.images.d'],
    );
    assert.match(checkedLabImages('redis', english).problems[0], /must map roles/);
  });

  it('refuses a file:// registry (swarmLab.registry)', () => {
    for (const registry of [settings['swarmLab.registry'] as string, 'file://x', 'http://m1:5000', '-oFoo']) {
      const problem = checkRegistryHost(registry, english);
      assert.equal(problem?.code, 'invalid-registry', registry);
    }
    assert.equal(checkRegistryHost('m1.swarm:5000', english), undefined);
  });

  it('refuses a virtual IP that is no IPv4 address (swarmLab.virtualIp)', () => {
    assert.match(virtualIpProblem(settings['swarmLab.virtualIp'] as string, english) ?? '', /^swarmLab\.virtualIp: /);
    assert.ok(virtualIpProblem('10.0.0.300', english));
    assert.equal(virtualIpProblem('172.17.8.100', english), undefined);
    assert.equal(virtualIpProblem('', english), undefined);
  });

  it('refuses option-like Docker hosts (swarmLab.dockerHost)', () => {
    assert.throws(() => parseDockerHost(settings['swarmLab.dockerHost'] as string), /not a user name/);
    assert.throws(() => parseDockerHost('tcp://-oProxyCommand=id:2375'), /not a host name/);
    assert.deepEqual(parseDockerHost('ssh://core@m1:2222'), { kind: 'ssh', host: 'm1', port: 2222, username: 'core' });
  });

  it('refuses names that leave their folder: "..", "/", an option', () => {
    for (const name of ['..', '../..', 'a/b', '../etc', '-rf', '.hidden', 'a..b', '', 'x'.repeat(64), 42]) {
      assert.ok(nameProblem(name, english), String(name));
    }
    for (const name of ['python_dirty_app', 'stack-2', 'v1.2']) {
      assert.equal(nameProblem(name, english), undefined, name);
    }
  });

  it('refuses the workspace’s ../ paths (swarmLab.labPath, swarmLab.knownHostsFile), by name', () => {
    for (const key of ['swarmLab.labPath', 'swarmLab.knownHostsFile']) {
      const value = settings[key] as string;
      const r = resolveSettingPath({ key, value, scope: 'workspace', folder: HOSTILE, home: '/home/student' });
      assert.ok('problem' in r, key);
      assert.match(r.problem, new RegExp(`^${key.replace('.', '\\.')}: ".*", from the workspace’s settings, leaves`));
    }
  });
});
