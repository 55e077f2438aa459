import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { summarizeReports } from '../../src/core/labPanel/stepOutcome';
import { buildBases, dockerfileBases } from '../../src/core/labSteps/baseImages';
import type { LabStepConfig } from '../../src/core/labSteps/labConfig';
import { LOCAL_LAB_BASE_IMAGE } from '../../src/core/labSteps/labImages';
import { labSteps, runLabStep } from '../../src/core/labSteps/labSteps';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, StepReport } from '../../src/core/steps/step';
import { BASE_IMAGE } from '../../src/localLab/images/labImageSpecs';
import { FakeLabCluster, labConfig, readSampleProject } from './labStepFakes';
import { labNodes } from './stepFakes';

const BASE = 'swarm-lab/debian-base:bookworm';
const INSPECT_BASE = `docker image inspect --format '{{.Id}}' ${BASE}`;
const INSPECT_BUILT = `docker image inspect --format '{{.Id}}' python-app:latest app-proxy:latest`;
const NO_SUCH_IMAGE = `Error response from daemon: No such image: ${BASE}`;

async function buildLocal(cluster: FakeLabCluster, config: LabStepConfig, log: string[] = []): Promise<StepReport> {
  const step = labSteps(config, english).find((s) => s.id === 'stack.build-local')!;
  const [report] = await runLabStep(step, cluster, new RunValues(), {
    l10n: english,
    allowMachineChanges: true,
    events: stepLog((line) => log.push(line), { l10n: english, clock: null }),
  });
  return report;
}

/** Three nodes whose built images are absent; `lacking` lack the base image too. */
function lab(lacking: readonly string[]): FakeLabCluster {
  return new FakeLabCluster(labNodes(3, 1), {
    script: (node, command) =>
      command === INSPECT_BUILT
        ? { code: 1, stderr: 'Error response from daemon: No such image: python-app:latest\n' }
        : command === INSPECT_BASE && lacking.includes(node)
          ? { code: 1, stdout: '[]\n', stderr: `${NO_SUCH_IMAGE}\n` }
          : {},
  });
}

const builds = (cluster: FakeLabCluster, node: string): string[] =>
  cluster.commandsOf(node).filter((c) => c.includes('docker build'));

describe('lab steps: stack.build-local and its base image', () => {
  it('names the base image the core and the local lab agree on', () => {
    assert.equal(LOCAL_LAB_BASE_IMAGE, BASE);
    assert.equal(BASE_IMAGE, BASE);
  });

  it('fails in one line naming the service, the base image and every node that lacks it; builds nothing', async () => {
    const cluster = lab(['core-01', 'core-02', 'core-03']);
    const log: string[] = [];
    const report = await buildLocal(cluster, labConfig(cluster, { environment: 'local-lab' }), log);
    const expected =
      "python-app's base image `swarm-lab/debian-base:bookworm` is missing on core-01, core-02, core-03: run *Start Local Lab* again to load the lab's images";
    assert.deepEqual(
      report.nodes.map((n) => n.outcome),
      ['core-01', 'core-02', 'core-03'].map((): NodeOutcome => ({ kind: 'failed', stage: 'plan', reason: expected })),
    );
    for (const node of ['core-01', 'core-02', 'core-03']) {
      assert.deepEqual(builds(cluster, node), [], node);
      assert.deepEqual(cluster.uploads.get(node) ?? [], [], node);
      // What docker said is still in the step's log, on the node's own lines.
      assert.ok(
        log.some((l) => l.startsWith(`[${node}]`) && l.endsWith(NO_SUCH_IMAGE)),
        log.join('\n'),
      );
    }
    // The panel's sentence says it once for the three nodes.
    assert.equal(summarizeReports([report], english), `failed on core-01, core-02, core-03: ${expected}`);
  });

  it('builds where the base image is; names only the nodes that lack it', async () => {
    const cluster = lab(['core-03']);
    const report = await buildLocal(cluster, labConfig(cluster, { environment: 'local-lab' }));
    assert.deepEqual(
      report.nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 ok', 'core-02 ok', 'core-03 failed'],
    );
    assert.deepEqual(builds(cluster, 'core-01'), [
      'DOCKER_BUILDKIT=0 docker build -q -t python-app:latest swarm-lab/python_dirty_app/python-app',
      'DOCKER_BUILDKIT=0 docker build -q -t app-proxy:latest swarm-lab/python_dirty_app/proxy',
    ]);
    assert.deepEqual(builds(cluster, 'core-03'), []);
    const failed = report.nodes[2].outcome as Extract<NodeOutcome, { kind: 'failed' }>;
    assert.equal(
      failed.reason,
      "python-app's base image `swarm-lab/debian-base:bookworm` is missing on core-03: run *Start Local Lab* again to load the lab's images",
    );
  });

  it('checks each node’s own base image once, and no other node, when the base image is there', async () => {
    const cluster = lab([]);
    const report = await buildLocal(cluster, labConfig(cluster, { environment: 'local-lab' }));
    assert.deepEqual(
      report.nodes.map((n) => n.outcome.kind),
      ['ok', 'ok', 'ok'],
    );
    for (const node of ['core-01', 'core-02', 'core-03']) {
      assert.equal(cluster.commandsOf(node).filter((c) => c === INSPECT_BASE).length, 1, node);
      assert.equal(builds(cluster, node).length, 2, node);
    }
  });

  it('leaves the base image to docker build on VMs, where it may be pulled', async () => {
    const cluster = lab(['core-01', 'core-02', 'core-03']);
    const report = await buildLocal(cluster, labConfig(cluster, { environment: 'vm' }));
    assert.deepEqual(
      report.nodes.map((n) => n.outcome.kind),
      ['ok', 'ok', 'ok'],
    );
    assert.ok(!cluster.commandsOf('core-01').includes(INSPECT_BASE));
  });

  it('says that a base the local lab does not make cannot be pulled', async () => {
    const project = readSampleProject().map((f) =>
      f.path === 'python-app/Dockerfile' ? { ...f, content: 'FROM python:3.11-slim\nCOPY app.py .\n' } : f,
    );
    const cluster = new FakeLabCluster(labNodes(2, 1), {
      script: (_node, command) =>
        command === INSPECT_BUILT || command.endsWith(' python:3.11-slim') ? { code: 1, stderr: 'No such image' } : {},
    });
    const report = await buildLocal(cluster, labConfig(cluster, { environment: 'local-lab', project }));
    const failed = report.nodes[0].outcome as Extract<NodeOutcome, { kind: 'failed' }>;
    assert.equal(
      failed.reason,
      "python-app's base image `python:3.11-slim` is missing on core-01, core-02: the local lab pulls no image; load it with *Load Images from Archives…*, or build FROM `swarm-lab/debian-base:bookworm`",
    );
  });

  it('reads the FROM images of a Dockerfile: stages, scratch and ARGs left out', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG VERSION=3.11',
      'FROM --platform=linux/amd64 golang:1.22 AS build',
      'RUN go build',
      'from build as test',
      'FROM python:${VERSION}',
      'FROM scratch',
      'COPY --from=build /app /app',
      'FROM swarm-lab/debian-base:bookworm',
      'FROM golang:1.22',
    ].join('\n');
    assert.deepEqual(dockerfileBases(text), ['golang:1.22', 'swarm-lab/debian-base:bookworm']);
    assert.deepEqual(
      [
        ...buildBases(readSampleProject(), [
          { service: 'python-app', image: 'python-app:latest', context: 'python-app' },
          { service: 'app-proxy', image: 'app-proxy:latest', context: 'proxy' },
          { service: 'other', image: 'other:latest', context: 'absent' },
        ]),
      ],
      [[BASE, ['python-app', 'app-proxy']]],
    );
  });
});
