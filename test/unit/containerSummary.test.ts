import * as assert from 'node:assert/strict';
import { formatPort, fromListEntry, toContainerState } from '../../src/core/containers/containerSummary';

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
