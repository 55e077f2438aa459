import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import type { LabCheck, LabStep } from '../../src/core/labSteps/labConfig';
import {
  CADVISOR_IMAGE,
  GRAFANA_IMAGE,
  KEEPALIVED_IMAGE,
  PROMETHEUS_IMAGE,
  REDIS_IMAGE,
  REGISTRY_IMAGE,
  isSubstitute,
  labImage,
  offlineImages,
} from '../../src/core/labSteps/labImages';
import { runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { RunValues } from '../../src/core/steps/runValues';
import { FakeLabCluster } from './labStepFakes';
import { labNodes } from './stepFakes';

describe('lab images by role', () => {
  it('gives the lab image on VMs and the Debian-built substitute in the local lab', () => {
    assert.equal(labImage({ environment: 'vm' }, REGISTRY_IMAGE), 'registry:2');
    assert.equal(labImage({ environment: 'local-lab' }, REGISTRY_IMAGE), 'swarm-lab/registry-debian:2');
    assert.equal(labImage({ environment: 'local-lab' }, KEEPALIVED_IMAGE), 'swarm-lab/keepalived-debian:2.0.10');
  });

  it('never names a substitute as the original image', () => {
    for (const role of [REGISTRY_IMAGE, KEEPALIVED_IMAGE, REDIS_IMAGE]) {
      assert.ok(role.substitute);
      assert.notEqual(role.substitute, role.lab);
      assert.match(role.substitute, /^swarm-lab\/[a-z0-9-]+-debian(:|$)/);
    }
  });

  it('lets the setting replace either default, by role, ignoring blanks', () => {
    const images = { registry: 'registry:2.8', keepalived: '  ' };
    assert.equal(labImage({ environment: 'local-lab', images }, REGISTRY_IMAGE), 'registry:2.8');
    assert.equal(labImage({ environment: 'vm', images }, REGISTRY_IMAGE), 'registry:2.8');
    assert.equal(labImage({ environment: 'vm', images }, KEEPALIVED_IMAGE), 'osixia/keepalived:2.0.10');
  });

  it('has no image for a role the local lab has no equivalent for', () => {
    assert.equal(labImage({ environment: 'local-lab' }, { role: 'harbor', lab: 'goharbor/harbor-core' }), undefined);
  });

  it('has no image for a role the setting sets to none, in any environment', () => {
    const images = { grafana: 'none', cadvisor: ' None ' };
    assert.equal(labImage({ environment: 'vm', images }, GRAFANA_IMAGE), undefined);
    assert.equal(labImage({ environment: 'vm', images }, CADVISOR_IMAGE), undefined);
    assert.equal(labImage({ environment: 'local-lab', images: { registry: 'none' } }, REGISTRY_IMAGE), undefined);
    assert.equal(labImage({ environment: 'vm', images }, PROMETHEUS_IMAGE), 'prom/prometheus:v2.42.0');
  });

  it('gives VMs that pull nothing every stand-in, and none where there is none', () => {
    const offline = offlineImages();
    assert.equal(labImage({ environment: 'vm', images: offline }, REGISTRY_IMAGE), 'swarm-lab/registry-debian:2');
    assert.equal(labImage({ environment: 'vm', images: offline }, GRAFANA_IMAGE), undefined);
    assert.deepEqual(Object.keys(offline).sort(), [
      'alertmanager',
      'cadvisor',
      'ceph',
      'grafana',
      'keepalived',
      'node-exporter',
      'prometheus',
      'redis',
      'registry',
      'scope',
      'traefik',
    ]);
  });

  it('tells substitutes from lab images', () => {
    assert.ok(isSubstitute('swarm-lab/redis-debian:latest', [REDIS_IMAGE]));
    assert.ok(!isSubstitute('redis', [REDIS_IMAGE]));
  });
});

describe('steps and checks unavailable in an environment', () => {
  const cluster = new FakeLabCluster(labNodes(2, 1), {
    script: (node, command) => assert.fail(`nothing may run (${node}: ${command})`),
  });

  it('runs nothing for an unavailable step and reports why', async () => {
    const step: LabStep = {
      id: 'storage.ceph-osd',
      title: 'OSDs',
      section: 5,
      phases: [],
      unavailable: 'Ceph needs the VMs’ data disks.',
    };
    const reports = await runLabStep(step, cluster, new RunValues(), { l10n: english, allowMachineChanges: true });
    assert.deepEqual(reports, [
      { stepId: 'storage.ceph-osd', title: 'OSDs', dryRun: false, error: 'Ceph needs the VMs’ data disks.', nodes: [] },
    ]);
    assert.equal(cluster.commands.size, 0);
  });

  it('makes an unavailable check unknown with its reason, asking no node', async () => {
    let asked = 0;
    const check: LabCheck = {
      id: 'harbor.healthy',
      title: 'Harbor healthy',
      section: 13,
      targets: 'all',
      unavailable: 'Harbor runs on the VMs only.',
      node: () => {
        asked++;
        return Promise.resolve({ ok: true, why: '' });
      },
    };
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'unknown');
    assert.equal(verdict.why, 'Harbor runs on the VMs only.');
    assert.equal(asked, 0);
  });
});
