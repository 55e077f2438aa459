import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { convergeAction } from '../../src/core/labSteps/convergence';
import type { ServiceFact } from '../../src/core/labSteps/labSession';
import type { Action, NodeSession } from '../../src/core/steps/step';
import { FakeDocker } from './labStepFakes';

const service = (name: string, running: number, desired = 1): ServiceFact => ({
  id: name,
  name,
  image: 'app:1',
  mode: 'replicated',
  running,
  desired,
});

async function runCall(action: Action, docker: FakeDocker): Promise<{ said: string | void; log: string[] }> {
  assert.equal(action.kind, 'call');
  if (action.kind !== 'call') {
    throw new Error('not a call');
  }
  const log: string[] = [];
  const session = { docker, machine: {} } as unknown as NodeSession;
  const said = await action.run(session, { signal: new AbortController().signal, log: (l) => log.push(l) });
  return { said, log };
}

describe('lab steps: the converge action', () => {
  it('follows a whole stack until every expected service runs, and says how they run', async () => {
    const docker = new FakeDocker();
    docker.serviceList = [service('st_app', 2, 2), service('st_db', 1)];
    const action = convergeAction({ stack: 'st', expect: ['st_app', 'st_db'] }, 5_000, english);
    assert.equal(
      action.kind === 'call' && action.description,
      'follow the tasks of st until every service runs (docker stack ps)',
    );
    assert.equal('evidence' in action, false);
    const { said, log } = await runCall(action, docker);
    assert.equal(said, 'st_app 2/2, st_db 1/1');
    assert.match(log.at(-1) ?? '', /^converged in \d+\.\d s: st_app 2\/2, st_db 1\/1$/);
  });

  it('follows a lone service by its name, whatever else runs', async () => {
    const docker = new FakeDocker();
    docker.serviceList = [service('registry', 1), service('other', 0)];
    const action = convergeAction({ service: 'registry' }, 5_000, english);
    assert.equal(
      action.kind === 'call' && action.description,
      'follow the tasks of registry until it runs (docker service ps)',
    );
    assert.equal((await runCall(action, docker)).said, 'registry 1/1');
  });

  it('follows the one service of a stack through the stack, as evidence, with a note', async () => {
    const docker = new FakeDocker();
    docker.serviceList = [service('proxy_traefik', 1)];
    const action = convergeAction({ service: 'proxy_traefik', inStack: 'proxy' }, 5_000, english, {
      evidence: true,
      note: 'Caddy stands in for Traefik.',
    });
    assert.equal(
      action.kind === 'call' && action.description,
      'follow the tasks of proxy_traefik until it runs (docker service ps)',
    );
    assert.equal(action.kind === 'call' && action.evidence, true);
    assert.equal((await runCall(action, docker)).said, 'proxy_traefik 1/1\nCaddy stands in for Traefik.');
  });

  it('fails within its bound when an expected service never appears', async () => {
    const docker = new FakeDocker();
    docker.serviceList = [service('st_app', 1)];
    await assert.rejects(
      runCall(convergeAction({ stack: 'st', expect: ['st_app', 'st_db'] }, 20, english), docker),
      /Not converged after 0 s: st_app 1\/1\nMissing services: st_db/,
    );
  });
});
