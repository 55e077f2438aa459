import * as assert from 'node:assert/strict';
import { describeDockerError } from '../../src/clients/docker/dockerErrors';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { Localizer } from '../../src/core/l10n';

describe('describeDockerError', () => {
  const socket = parseDockerHost('unix:///var/run/docker.sock');

  it('gives each cause its own message', () => {
    const messages = ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].map((code) =>
      describeDockerError(Object.assign(new Error('x'), { code }), socket),
    );
    assert.equal(new Set(messages).size, messages.length);
    assert.match(messages[0], /socket does not exist/);
    assert.match(messages[2], /"docker" group/);
    for (const m of messages) {
      assert.ok(m.includes('unix:///var/run/docker.sock'), m);
    }
  });

  it('reads HTTP errors from the engine', () => {
    const m = describeDockerError({ statusCode: 500, reason: 'server error', message: 'x' }, socket);
    assert.match(m, /answered 500: server error/);
  });

  it('treats an aborted deadline as a time-out', () => {
    const m = describeDockerError(
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      socket,
    );
    assert.match(m, /did not answer in time/);
  });

  it('speaks through the given localizer', () => {
    const upper: Localizer = { t: (msg, ...args) => `FR:${msg}:${args.join('|')}` };
    const m = describeDockerError(Object.assign(new Error('x'), { code: 'ENOENT' }), socket, upper);
    assert.ok(m.startsWith('FR:No Docker engine at {0}'));
  });
});
