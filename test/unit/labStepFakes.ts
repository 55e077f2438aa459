/**
 * Fakes for the lab steps: the step engine's FakeCluster (scripted
 * commands) with, per node, a fake Docker API and fake machine
 * capabilities whose root commands and engine restarts are recorded in the
 * same command log (as `root: <command>` and `restart-engine`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TIMEOUTS, type LabStepConfig, type ProjectFile } from '../../src/core/labSteps/labConfig';
import type {
  EngineFacts,
  LabDocker,
  LabNodeSession,
  NodeMachine,
  RawObject,
  ServiceFact,
  SwarmNodeFact,
  TaskFact,
} from '../../src/core/labSteps/labSession';
import { commandLine, type ShellCommand } from '../../src/core/shell/shellQuote';
import type { ExecOptions, ExecOutcome, NodeSession, NodeTarget } from '../../src/core/steps/step';
import { FakeCluster, type FakeClusterOptions } from './stepFakes';

export class FakeDocker implements LabDocker {
  facts: EngineFacts = { swarmState: 'inactive', isManager: false };
  readonly calls: string[] = [];
  tokens = { worker: 'SWMTKN-1-worker-secret', manager: 'SWMTKN-1-manager-secret' };
  serviceList: ServiceFact[] = [];
  taskList: TaskFact[] = [];
  nodeList: SwarmNodeFact[] = [];
  /** Each services() call takes the next list when given (a stack converging). */
  readonly serviceSequence: ServiceFact[][] = [];

  info(): Promise<EngineFacts> {
    return Promise.resolve(this.facts);
  }
  swarmInit(spec: { advertiseAddr: string; listenAddr: string; addressPool?: string }): Promise<void> {
    this.calls.push(`init ${JSON.stringify(spec)}`);
    this.facts = { swarmState: 'active', isManager: true, remoteManagers: [spec.listenAddr] };
    return Promise.resolve();
  }
  swarmJoin(spec: { advertiseAddr: string; listenAddr: string; remoteAddr: string; token: string }): Promise<void> {
    this.calls.push(`join ${JSON.stringify(spec)}`);
    this.facts = {
      swarmState: 'active',
      isManager: spec.token === this.tokens.manager,
      remoteManagers: [spec.remoteAddr],
    };
    return Promise.resolve();
  }
  swarmLeave(): Promise<void> {
    this.calls.push('leave');
    this.facts = { swarmState: 'inactive', isManager: false };
    return Promise.resolve();
  }
  joinTokens(): Promise<{ worker: string; manager: string }> {
    this.calls.push('tokens');
    return Promise.resolve(this.tokens);
  }
  nodes(): Promise<SwarmNodeFact[]> {
    return Promise.resolve(this.nodeList);
  }
  services(): Promise<ServiceFact[]> {
    const next = this.serviceSequence.shift();
    if (next) {
      this.serviceList = next;
    }
    return Promise.resolve(this.serviceList);
  }
  tasks(): Promise<TaskFact[]> {
    return Promise.resolve(this.taskList);
  }
  specList: RawObject[] = [];
  configList: RawObject[] = [];
  secretList: RawObject[] = [];
  networkList: RawObject[] = [];
  serviceSpecs(): Promise<RawObject[]> {
    return Promise.resolve(this.specList);
  }
  configs(): Promise<RawObject[]> {
    return Promise.resolve(this.configList);
  }
  secrets(): Promise<RawObject[]> {
    return Promise.resolve(this.secretList);
  }
  networks(): Promise<RawObject[]> {
    return Promise.resolve(this.networkList);
  }
  createConfig(spec: { name: string; labels?: Record<string, string>; data: string }): Promise<void> {
    this.calls.push(`config ${spec.name}`);
    this.configList.push({ ID: spec.name, Spec: { Name: spec.name, Labels: spec.labels ?? {}, Data: spec.data } });
    return Promise.resolve();
  }
}

export class FakeMachine implements NodeMachine {
  constructor(
    private readonly node: string,
    private readonly cluster: FakeLabCluster,
  ) {}
  describeAsRoot(command: ShellCommand): string {
    return commandLine(['sudo', '-n', 'sh', '-c', command.text]);
  }
  execAsRoot(command: ShellCommand, options: ExecOptions & { stdin?: string } = {}): Promise<ExecOutcome> {
    this.cluster.record(this.node, `root: ${command.text}`);
    if (options.stdin !== undefined) {
      this.cluster.stdin.set(this.node, options.stdin);
    }
    return Promise.resolve({
      code: this.cluster.rootCode(this.node, command.text),
      stdout: this.cluster.rootOutput(this.node, command.text),
      stderr: '',
    });
  }
  describeEngineRestart(): string {
    return 'sudo -n systemctl restart docker';
  }
  restartEngine(): Promise<void> {
    this.cluster.record(this.node, 'restart-engine');
    return Promise.resolve();
  }
}

export class FakeLabCluster extends FakeCluster {
  readonly docker = new Map<string, FakeDocker>();
  readonly stdin = new Map<string, string>();
  rootOutput: (node: string, command: string) => string = () => '';
  /** The exit code of a root command (0 unless a test says otherwise). */
  rootCode: (node: string, command: string) => number = () => 0;

  constructor(nodes: readonly NodeTarget[], options: FakeClusterOptions) {
    super(nodes, options);
    nodes.forEach((n) => this.docker.set(n.name, new FakeDocker()));
  }

  record(node: string, text: string): void {
    const list = this.commands.get(node) ?? [];
    list.push(text);
    this.commands.set(node, list);
  }

  override async openSession(node: NodeTarget): Promise<NodeSession> {
    const base = await super.openSession(node);
    const session: LabNodeSession = {
      exec: (c, o) => base.exec(c, o),
      upload: (p, c, o) => base.upload(p, c, o),
      docker: this.docker.get(node.name)!,
      machine: new FakeMachine(node.name, this),
    };
    return session;
  }
}

export function readSampleProject(): ProjectFile[] {
  const dir = path.join(__dirname, '..', '..', '..', 'samples', 'tp1');
  return [
    'docker-compose.yml',
    'proxy/Dockerfile',
    'proxy/nginx.conf',
    'python-app/Dockerfile',
    'python-app/app.py',
  ].map((p) => ({ path: p, content: fs.readFileSync(path.join(dir, p), 'utf8') }));
}

export function labConfig(cluster: FakeLabCluster, over: Partial<LabStepConfig> = {}): LabStepConfig {
  return {
    environment: 'vm',
    virtualIp: '172.17.8.100',
    interface: 'eth1',
    registry: 'm1.swarm:5000',
    stackName: 'python_dirty_app',
    project: readSampleProject(),
    composeUrl: 'https://example.invalid/docker-compose',
    timeouts: { ...DEFAULT_TIMEOUTS, converge: 2_000, failover: 2_000 },
    sessionOf: (name) => cluster.openSession(cluster.nodes.find((n) => n.name === name)!),
    ...over,
  };
}
