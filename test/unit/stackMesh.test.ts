import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { routingMeshEdits } from '../../src/core/labSteps/stackMesh';
import { applyEdits } from '../../src/core/text/textEdit';
import { REPO_ROOT } from '../harness/paths';

const SAMPLE = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'tp1', 'docker-compose.yml'), 'utf8');

describe('the routing mesh form of the lab’s compose file (VMs)', () => {
  it('turns the local lab’s host-mode port and DNS round robin back, every other byte kept', async () => {
    const meshed = applyEdits(SAMPLE, await routingMeshEdits(SAMPLE));
    const before = SAMPLE.split('\n');
    const after = meshed.split('\n');
    assert.equal(after.length, before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [`${line.trim()} -> ${after[i].trim()}`]));
    assert.deepEqual(changed, [
      'endpoint_mode: dnsrr -> endpoint_mode: vip',
      'endpoint_mode: dnsrr -> endpoint_mode: vip',
      'mode: host -> mode: ingress',
      'endpoint_mode: dnsrr -> endpoint_mode: vip',
    ]);
  });

  it('keeps the quoting, and leaves a file without the workaround, or a global mode, alone', async () => {
    const quoted =
      'services:\n  web:\n    ports:\n      - target: 80\n        mode: "host"\n    deploy:\n      mode: global\n';
    assert.equal(applyEdits(quoted, await routingMeshEdits(quoted)), quoted.replace('"host"', '"ingress"'));
    const student = 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n    deploy: {replicas: 2}\n';
    assert.deepEqual(await routingMeshEdits(student), []);
  });
});
