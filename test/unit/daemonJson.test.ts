import * as assert from 'node:assert/strict';
import { LAB_DAEMON_SETTINGS, mergeDaemonJson, missingDaemonSettings } from '../../src/core/docker/daemonJson';
import { english } from '../../src/core/l10n';

const merge = (text: string | undefined) => mergeDaemonJson(text, LAB_DAEMON_SETTINGS, english);

describe('daemon.json merge', () => {
  it('creates the file when there is none', () => {
    assert.deepEqual(merge(undefined), {
      ok: true,
      changed: true,
      text: '{\n  "experimental": true,\n  "metrics-addr": "0.0.0.0:9323"\n}\n',
    });
    assert.deepEqual(merge('  \n'), merge(undefined));
  });

  it('keeps the existing keys, in their order, and adds the lab settings after them', () => {
    const current = '{\n    "log-driver": "journald",\n    "insecure-registries": ["m1.swarm:5000"]\n}\n';
    assert.deepEqual(merge(current), {
      ok: true,
      changed: true,
      text:
        '{\n    "log-driver": "journald",\n    "insecure-registries": [\n        "m1.swarm:5000"\n    ],\n' +
        '    "experimental": true,\n    "metrics-addr": "0.0.0.0:9323"\n}\n',
    });
  });

  it('sets a key that has another value where it stands', () => {
    const result = merge('{\n\t"experimental": false,\n\t"debug": true\n}');
    assert.deepEqual(result, {
      ok: true,
      changed: true,
      // Tabs kept, and no final newline since there was none.
      text: '{\n\t"experimental": true,\n\t"debug": true,\n\t"metrics-addr": "0.0.0.0:9323"\n}',
    });
  });

  it('returns the text byte for byte when it already has the settings', () => {
    const current = '{ "metrics-addr" : "0.0.0.0:9323",\r\n  "experimental":true }   \r\n';
    assert.deepEqual(merge(current), { ok: true, changed: false, text: current });
  });

  it('keeps a one-line file on one line, and CRLF line endings', () => {
    assert.deepEqual(merge('{"debug":true}'), {
      ok: true,
      changed: true,
      text: '{"debug":true,"experimental":true,"metrics-addr":"0.0.0.0:9323"}',
    });
    const crlf = merge('{\r\n  "debug": true\r\n}\r\n');
    assert.ok(crlf.ok);
    assert.equal(
      crlf.text,
      '{\r\n  "debug": true,\r\n  "experimental": true,\r\n  "metrics-addr": "0.0.0.0:9323"\r\n}\r\n',
    );
  });

  it('writes an empty object out in full and keeps a byte order mark', () => {
    const empty = merge('{}\n');
    assert.ok(empty.ok);
    assert.equal(empty.text, '{\n  "experimental": true,\n  "metrics-addr": "0.0.0.0:9323"\n}\n');
    const bom = merge('\uFEFF{"debug":true}\n');
    assert.ok(bom.ok);
    assert.ok(bom.text.startsWith('\uFEFF{"debug":true,'));
  });

  it('compares values as JSON, whatever the key order inside them', () => {
    const desired = { 'log-opts': { 'max-size': '10m', 'max-file': '3' } };
    const current = '{"log-opts": {"max-file": "3", "max-size": "10m"}}';
    assert.deepEqual(mergeDaemonJson(current, desired, english), { ok: true, changed: false, text: current });
  });

  it('refuses invalid JSON with a clear message, and anything but an object', () => {
    const bad = merge('{\n  "debug": true,\n}\n');
    assert.equal(bad.ok, false);
    assert.match(
      !bad.ok ? bad.error : '',
      /^\/etc\/docker\/daemon\.json is not valid JSON \(.+\); it was left untouched\.$/,
    );
    assert.deepEqual(merge('["experimental"]'), {
      ok: false,
      error: '/etc/docker/daemon.json must hold a JSON object, not array; it was left untouched.',
    });
    assert.deepEqual(mergeDaemonJson('null', LAB_DAEMON_SETTINGS, english, '/etc/docker/x.json'), {
      ok: false,
      error: '/etc/docker/x.json must hold a JSON object, not null; it was left untouched.',
    });
  });

  it('lists the settings still missing, for a check to say what is to do', () => {
    assert.deepEqual(missingDaemonSettings('{"experimental": true}', LAB_DAEMON_SETTINGS), ['metrics-addr']);
    assert.deepEqual(missingDaemonSettings(undefined, LAB_DAEMON_SETTINGS), ['experimental', 'metrics-addr']);
    assert.deepEqual(
      missingDaemonSettings('{"experimental":true,"metrics-addr":"0.0.0.0:9323"}', LAB_DAEMON_SETTINGS),
      [],
    );
    assert.equal(missingDaemonSettings('{', LAB_DAEMON_SETTINGS), undefined);
  });
});
