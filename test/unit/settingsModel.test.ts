import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import {
  SETTINGS,
  SETTING_KEYS,
  changedSettings,
  checkedHosts,
  checkedImages,
  checkedRegistry,
  checkedVirtualIp,
  managersSetting,
  stringList,
  stringSetting,
} from '../../src/core/settings/settingsModel';
import { readJson } from './repoFiles';

interface Contributed {
  contributes: { configuration: { properties: Record<string, { type: string; default: unknown }> } };
}

describe('settings model: every swarmLab.* setting, typed and checked', () => {
  const properties = readJson<Contributed>('package.json').contributes.configuration.properties;

  it('declares exactly the settings of package.json, with their types and defaults', () => {
    assert.deepEqual(SETTING_KEYS.map((k) => `swarmLab.${k}`).sort(), Object.keys(properties).sort());
    for (const key of SETTING_KEYS) {
      const contributed = properties[`swarmLab.${key}`];
      assert.equal(SETTINGS[key].type, contributed.type, key);
      assert.deepEqual(SETTINGS[key].default, contributed.default, key);
    }
  });

  it('names the keys a change touches, from the editor’s affectsConfiguration', () => {
    const touched = new Set(['swarmLab.registry', 'swarmLab.composeFiles', 'editor.fontSize']);
    assert.deepEqual([...changedSettings((s) => touched.has(s))].sort(), ['composeFiles', 'registry']);
    assert.equal(changedSettings(() => false).size, 0);
  });

  it('refuses a registry Docker would misread, with the lab’s registry meanwhile', () => {
    assert.deepEqual(checkedRegistry('reg.example:5000', english), { value: 'reg.example:5000', problems: [] });
    assert.deepEqual(checkedRegistry('  ', english), { value: SETTINGS.registry.default, problems: [] });
    const bad = checkedRegistry('registry', english);
    assert.equal(bad.value, SETTINGS.registry.default);
    assert.equal(bad.problems.length, 1);
    assert.match(bad.problems[0], /^swarmLab\.registry: .* Using m1\.swarm:5000 meanwhile\.$/);
  });

  it('refuses a virtual IP that is no IPv4 address, and images that are no reference', () => {
    assert.deepEqual(checkedVirtualIp(' 10.0.0.9 ', english), { value: '10.0.0.9', problems: [] });
    const ip = checkedVirtualIp('10.0.0', english);
    assert.equal(ip.value, '');
    assert.equal(ip.problems.length, 1);
    const images = checkedImages({ redis: 'redis:7', grafana: '$(id)' }, english);
    assert.deepEqual(images.value, { redis: 'redis:7' });
    assert.equal(images.problems.length, 1);
  });

  it('reads hosts, lists, strings and the managers’ count, with defaults for the wrong types', () => {
    assert.equal(checkedHosts('x', english).problems[0].message, 'swarmLab.hosts must be a list of hosts.');
    assert.deepEqual(stringList(['a', ' ', 3, 'b']), ['a', 'b']);
    assert.deepEqual(stringList('a'), []);
    assert.equal(stringSetting(' x '), 'x');
    assert.equal(stringSetting(4, 'd'), 'd');
    assert.equal(managersSetting(5), 5);
    assert.equal(managersSetting('5'), 3);
  });
});
