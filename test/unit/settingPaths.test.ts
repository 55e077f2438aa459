import * as assert from 'node:assert/strict';
import { resolveSettingPath, type SettingPathInput } from '../../src/core/settings/settingPaths';

const base: Omit<SettingPathInput, 'value' | 'scope'> = {
  key: 'swarmLab.knownHostsFile',
  folder: '/home/ana/tp1',
  home: '/home/ana',
};

describe('path settings: a workspace’s value stays inside its folder, the user’s may point anywhere', () => {
  it('refuses, by name, a workspace value that leaves the folder: ../, absolute, ~', () => {
    for (const value of ['../.ssh/known_hosts', '../../..', '/etc/passwd', '~/.bashrc', 'a/../../b']) {
      const r = resolveSettingPath({ ...base, value, scope: 'workspace' });
      assert.ok('problem' in r, value);
      assert.equal(
        r.problem,
        `swarmLab.knownHostsFile: "${value}", from the workspace’s settings, leaves the workspace folder; set it in your user settings if you mean it.`,
      );
    }
  });

  it('reads a workspace value inside the folder from the folder', () => {
    assert.deepEqual(resolveSettingPath({ ...base, value: 'ssh/known_hosts', scope: 'workspace' }), {
      path: '/home/ana/tp1/ssh/known_hosts',
    });
    assert.deepEqual(resolveSettingPath({ ...base, value: './labs/../labs/tp1', scope: 'workspace' }), {
      path: '/home/ana/tp1/labs/tp1',
    });
    // A sibling folder whose name starts like the workspace's is outside it.
    assert.ok('problem' in resolveSettingPath({ ...base, value: '../tp1-other/x', scope: 'workspace' }));
  });

  it('lets the user’s own value point anywhere, ~ and relative paths resolved', () => {
    assert.deepEqual(resolveSettingPath({ ...base, value: '~/.ssh/known_hosts', scope: 'user' }), {
      path: '/home/ana/.ssh/known_hosts',
    });
    assert.deepEqual(resolveSettingPath({ ...base, value: '/srv/labs', scope: 'user' }), { path: '/srv/labs' });
    assert.deepEqual(resolveSettingPath({ ...base, value: '../labs', scope: 'user' }), { path: '/home/ana/labs' });
  });

  it('says why a relative value cannot be read without a folder', () => {
    const r = resolveSettingPath({ ...base, folder: undefined, value: 'labs', scope: 'user' });
    assert.ok('problem' in r);
    assert.match(r.problem, /relative, and no folder is open/);
  });
});
