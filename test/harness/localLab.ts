/**
 * What the lab tests and the bench share to drive a local lab's steps: a
 * fresh lab (purged, up, the lab's images loaded as `npm run lab -- up` and
 * Start Local Lab do), the steps' reports read as failures or outcome kinds,
 * and the lab runner (core/labRunner) on the local lab with no VS Code: the
 * same runner Run Section uses, through a port built here.
 */
import * as path from 'node:path';
import { localLabSteps, sharedConfig, type LocalLabStepsOptions } from '../../src/clients/steps/localLabCluster';
import { localLabMachines } from '../../src/clients/machines/localLabMachines';
import { MachineConnection } from '../../src/clients/machines/machineConnection';
import { english } from '../../src/core/l10n';
import { LabRunner } from '../../src/core/labRunner/labRunner';
import { realTimer, type LabRunnerPort } from '../../src/core/labRunner/ports';
import type { Machine, MachineDefinition } from '../../src/core/machines/machine';
import type { StepReport } from '../../src/core/steps/step';
import type { LabLayout } from '../../src/localLab/labLayout';
import type { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR, REPO_ROOT } from './paths';

/** The lab's images as the tests load them: the shared cache, built from samples/tp1 when missing. */
export const LAB_IMAGES = {
  cacheDir: path.join(CACHE_DIR, 'lab-images'),
  samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
} as const;

/** The lab's compose project, as the extension ships it. */
export const LAB_PROJECT_DIR = path.join(REPO_ROOT, 'samples', 'tp1');

/** A lab from empty nodes: whatever an earlier run left purged, `nodes` up, the lab's images loaded. */
export async function freshLocalLab(lab: LocalLab, nodes = 3): Promise<LabLayout> {
  await lab.down({ purge: true });
  const { layout } = await lab.up(nodes);
  await lab.loadImages(layout, LAB_IMAGES);
  return layout;
}

/** What did not succeed in these reports, one line each (a step's error, a node failed or cancelled). */
export function stepFailures(reports: readonly StepReport[]): string[] {
  return reports.flatMap((r) => [
    ...(r.error ? [`${r.stepId}: ${r.error}`] : []),
    ...r.nodes
      .filter((n) => n.outcome.kind === 'failed' || n.outcome.kind === 'cancelled')
      .map((n) => `${r.stepId}@${n.node}: ${JSON.stringify(n.outcome)}`),
  ]);
}

/** Every phase's outcome per node (`stack.deploy@core-01 ok`), and each step's error. */
export function stepKinds(reports: readonly StepReport[]): string[] {
  return reports.flatMap((r) => [
    ...(r.error ? [`${r.stepId} error ${r.error}`] : []),
    ...r.nodes.map((n) => `${r.stepId}@${n.node} ${n.outcome.kind}`),
  ]);
}

export interface LocalLabRunner {
  readonly runner: LabRunner;
  /** Ends the connections to the nodes. */
  readonly close: () => void;
}

/**
 * The lab runner on a local lab, as the extension builds it in
 * features/lab/steps/labStepService.ts, with what VS Code gives there
 * replaced: the lab's nodes as the registry's machines, one connection per
 * node kept for every run and check (the registry's), the settings given,
 * no secret asked, a trusted workspace, the log to `log`.
 */
export function localLabRunner(
  lab: LocalLab,
  options: Omit<LocalLabStepsOptions, 'connection'>,
  log: (line: string) => void = () => undefined,
): LocalLabRunner {
  return machinesRunner(
    () => localLabMachines(lab).machines,
    (m) => new MachineConnection(m, options.l10n ?? english),
    (_machines, connection) => localLabSteps(lab, { ...options, connection }),
    options,
    log,
  );
}

/**
 * The same runner on any machines (the VM lab's, read from Vagrant):
 * `connect` makes each machine's one connection (with its host key
 * policy), `open` the steps' environment on them.
 */
export function machinesRunner(
  definitions: () => readonly MachineDefinition[],
  connect: (m: MachineDefinition) => MachineConnection,
  open: (
    machines: readonly Machine[],
    connection: (m: MachineDefinition) => MachineConnection,
  ) => ReturnType<LabRunnerPort['openEnvironment']>,
  options: Omit<LocalLabStepsOptions, 'connection'>,
  log: (line: string) => void,
): LocalLabRunner {
  const connections = new Map<string, MachineConnection>();
  const connection = (m: MachineDefinition): MachineConnection => {
    let c = connections.get(m.id);
    if (!c) {
      c = connect(m);
      connections.set(m.id, c);
    }
    return c;
  };
  const machines = (): Machine[] => definitions().map((m) => ({ ...m, state: { kind: 'connecting' } }));
  const port: LabRunnerPort = {
    l10n: options.l10n ?? english,
    machines: { machines, onDidChange: () => ({ dispose: () => undefined }) },
    refreshMachines: () => Promise.resolve(),
    runFinished: () => undefined,
    swarmChanged: () => ({ dispose: () => undefined }),
    settings: () => ({ managers: options.managers, virtualIp: options.virtualIp ?? '', images: { ...options.images } }),
    sharedConfig: () => Promise.resolve(sharedConfig(options)),
    openEnvironment: (labMachines) => open(labMachines, connection),
    askSecret: () => Promise.resolve(),
    trust: { trusted: () => true, runRefusal: (what) => what, checkRefusal: () => '' },
    timer: realTimer,
    log,
  };
  return {
    runner: new LabRunner(port),
    close: () => {
      connections.forEach((c) => c.close());
      connections.clear();
    },
  };
}
