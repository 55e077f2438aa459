import * as assert from 'node:assert/strict';
import {
  formatPort,
  fromInspect,
  fromListEntry,
  healthFromStatus,
  humanDuration,
  toContainerState,
} from '../../src/core/containers/containerSummary';

describe('ContainerSummary', () => {
  it('reads a `GET /containers/json` entry as Docker 20.10 sends it', () => {
    const c = fromListEntry({
      Id: 'f0c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f',
      Names: ['/web'],
      Image: 'python-app:latest',
      State: 'running',
      Status: 'Up 3 minutes',
      Created: 1764080000,
      Ports: [
        { IP: '0.0.0.0', PrivatePort: 5000, PublicPort: 8080, Type: 'tcp' },
        { IP: '::', PrivatePort: 5000, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 6379, Type: 'tcp' },
      ],
      Labels: { 'com.docker.stack.namespace': 'lab' },
    });
    assert.equal(c.name, 'web');
    assert.equal(c.state, 'running');
    assert.deepEqual(c.ports.map(formatPort), ['0.0.0.0:8080→5000/tcp', '6379/tcp']);
    assert.equal(c.labels['com.docker.stack.namespace'], 'lab');
  });

  it("takes the container's own name, not a link alias", () => {
    const c = fromListEntry({ Id: 'a'.repeat(64), Names: ['/app/db', '/db'] });
    assert.equal(c.name, 'db');
  });

  it('falls back to the short ID when Docker sends no name', () => {
    const c = fromListEntry({ Id: 'b'.repeat(64) });
    assert.equal(c.name, 'b'.repeat(12));
    assert.equal(c.state, 'unknown');
    assert.deepEqual(c.ports, []);
  });

  it('maps unknown states to "unknown" instead of trusting them', () => {
    assert.equal(toContainerState('Running'), 'running');
    assert.equal(toContainerState('exploded'), 'unknown');
    assert.equal(toContainerState(undefined), 'unknown');
  });

  it('shows a port bound on one address with that address', () => {
    assert.equal(
      formatPort({ privatePort: 80, publicPort: 8080, type: 'tcp', hostIp: '127.0.0.1' }),
      '127.0.0.1:8080→80/tcp',
    );
    assert.equal(formatPort({ privatePort: 53, type: 'udp' }), '53/udp');
  });
});

describe('ContainerSummary from inspect', () => {
  const now = new Date('2026-11-25T12:00:00Z');

  it("reads state, ports and Docker's status wording from `GET /containers/{id}/json`", () => {
    const c = fromInspect(
      {
        Id: 'd'.repeat(64),
        Name: '/proxy',
        Created: '2026-11-25T11:00:00Z',
        State: { Status: 'running', StartedAt: '2026-11-25T11:57:00Z' },
        Config: { Image: 'app-proxy:latest', Labels: { tier: 'front' } },
        NetworkSettings: {
          Ports: {
            '8080/tcp': [
              { HostIp: '0.0.0.0', HostPort: '8080' },
              { HostIp: '::', HostPort: '8080' },
            ],
            '443/tcp': null,
          },
        },
      },
      now,
    );
    assert.equal(c.name, 'proxy');
    assert.equal(c.image, 'app-proxy:latest');
    assert.equal(c.status, 'Up 3 minutes');
    assert.equal(c.created, Date.parse('2026-11-25T11:00:00Z') / 1000);
    assert.deepEqual(c.ports.map(formatPort), ['443/tcp', '0.0.0.0:8080→8080/tcp']);
  });

  it('words an exited container as `docker ps` does', () => {
    const c = fromInspect(
      { Id: 'e'.repeat(64), State: { Status: 'exited', ExitCode: 137, FinishedAt: '2026-11-25T11:59:58Z' } },
      now,
    );
    assert.equal(c.status, 'Exited (137) 2 seconds ago');
  });

  it('rounds durations the way Docker does', () => {
    assert.equal(humanDuration(400), 'Less than a second');
    assert.equal(humanDuration(45_000), '45 seconds');
    assert.equal(humanDuration(90_000), 'About a minute');
    assert.equal(humanDuration(150_000), '2 minutes');
    assert.equal(humanDuration(3_600_000), 'About an hour');
    assert.equal(humanDuration(3 * 86_400_000), '3 days');
    assert.equal(humanDuration(Number.NaN), 'Less than a second');
  });

  it('reads the health check verdict from the list status and from inspect', () => {
    assert.equal(healthFromStatus('Up 2 minutes (healthy)'), 'healthy');
    assert.equal(healthFromStatus('Up 3 seconds (health: starting)'), 'starting');
    assert.equal(healthFromStatus('Up 1 hour (unhealthy)'), 'unhealthy');
    assert.equal(healthFromStatus('Up 1 hour'), undefined);
    assert.equal(healthFromStatus('Exited (0) 2 seconds ago'), undefined);
    const listed = fromListEntry({ Id: 'a', Names: ['/web'], State: 'running', Status: 'Up 2 minutes (unhealthy)' });
    assert.equal(listed.health, 'unhealthy');
    const inspected = fromInspect({
      Id: 'b',
      Name: '/db',
      State: { Status: 'running', StartedAt: '2026-01-01T00:00:00Z', Health: { Status: 'healthy' } },
    });
    assert.equal(inspected.health, 'healthy');
    assert.equal('health' in fromListEntry({ Id: 'c', State: 'running', Status: 'Up 1 second' }), false);
  });
});
