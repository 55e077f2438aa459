import * as assert from 'node:assert/strict';
import {
  DEFAULT_DOCKER_SOCKET,
  describeEndpoint,
  DockerEndpointError,
  parseDockerHost,
} from '../../src/clients/docker/dockerEndpoint';

describe('parseDockerHost', () => {
  it('defaults to the standard socket', () => {
    assert.deepEqual(parseDockerHost(undefined), { kind: 'unix', socketPath: DEFAULT_DOCKER_SOCKET });
    assert.deepEqual(parseDockerHost('  '), { kind: 'unix', socketPath: DEFAULT_DOCKER_SOCKET });
  });

  it('reads the forms DOCKER_HOST accepts', () => {
    assert.deepEqual(parseDockerHost('unix:///run/user/1000/docker.sock'), {
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
    });
    assert.deepEqual(parseDockerHost('/var/run/docker.sock'), { kind: 'unix', socketPath: '/var/run/docker.sock' });
    assert.deepEqual(parseDockerHost('tcp://10.0.0.5:2375'), { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false });
    assert.deepEqual(parseDockerHost('tcp://m1.swarm'), { kind: 'tcp', host: 'm1.swarm', port: 2375, tls: false });
    assert.deepEqual(parseDockerHost('https://[::1]:2376'), { kind: 'tcp', host: '::1', port: 2376, tls: true });
    assert.deepEqual(parseDockerHost('ssh://core@core-01:2222'), {
      kind: 'ssh',
      host: 'core-01',
      port: 2222,
      username: 'core',
    });
  });

  it('refuses what it cannot read, with the value in the message', () => {
    assert.throws(() => parseDockerHost('npipe:////./pipe/docker_engine'), DockerEndpointError);
    assert.throws(() => parseDockerHost('unix://relative.sock'), /must be absolute/);
    assert.throws(() => parseDockerHost('localhost:2375'), /"localhost:2375" is not a Docker host/);
  });

  it('describes an endpoint the way users write it', () => {
    assert.equal(describeEndpoint(parseDockerHost('')), 'unix:///var/run/docker.sock');
    assert.equal(describeEndpoint(parseDockerHost('ssh://core@core-01')), 'ssh://core@core-01:22');
  });
});
