/**
 * The lab steps' configuration, assembled in one place: for the machines
 * a run connects to (the local lab or VMs), for the machines only known
 * (whether a step can run there, no connection), and the placeholder that
 * gives the steps' titles before any machine is known.
 */
import {
  COMPOSE_URL,
  DEFAULT_TIMEOUTS,
  LAB_INTERFACE,
  LAB_REGISTRY,
  STACK_NAME,
  type LabStepConfig,
  type ProjectFile,
} from '../labSteps/labConfig';
import type { MachineSource } from '../machines/machine';
import type { LabSettings } from './ports';

/** What differs between environments; the rest is the lab's own (interface, registry, stack, compose). */
export interface ConfigParts {
  readonly environment: LabStepConfig['environment'];
  /** The virtual IP, the setting's or the environment's own. */
  readonly virtualIp: string;
  readonly project: readonly ProjectFile[];
  readonly sessionOf: LabStepConfig['sessionOf'];
  readonly images?: Readonly<Record<string, string>>;
  readonly timeouts?: Partial<LabStepConfig['timeouts']>;
  /** The local lab's: an address pool off its subnet, where compose.install downloads from (no Internet). */
  readonly place?: Partial<Pick<LabStepConfig, 'addressPool' | 'sharedFolder' | 'dataFolder' | 'composeUrl'>>;
  /** What every environment shares: backups, rehearsals, secrets. */
  readonly shared?: Partial<LabStepConfig>;
}

/** The configuration of a run on connected machines. */
export function labStepConfig(parts: ConfigParts): LabStepConfig {
  return {
    environment: parts.environment,
    virtualIp: parts.virtualIp,
    interface: LAB_INTERFACE,
    registry: LAB_REGISTRY,
    stackName: STACK_NAME,
    project: parts.project,
    composeUrl: COMPOSE_URL,
    ...parts.place,
    timeouts: { ...DEFAULT_TIMEOUTS, ...parts.timeouts },
    ...(parts.images ? { images: parts.images } : {}),
    sessionOf: parts.sessionOf,
    ...parts.shared,
  };
}

/** The steps' titles and ids need no machine: a configuration that connects to none. */
export function placeholderConfig(settings: LabSettings): LabStepConfig {
  return {
    environment: 'local-lab',
    virtualIp: settings.virtualIp,
    interface: LAB_INTERFACE,
    registry: LAB_REGISTRY,
    stackName: STACK_NAME,
    project: [],
    composeUrl: '',
    timeouts: { converge: 0, engine: 0, failover: 0 },
    sessionOf: () => Promise.reject(new Error('not connected')),
  };
}

/**
 * The configuration for the environment the known machines make (the
 * local lab when none), from the settings and what every environment
 * shares: what decides whether a step can run there (its images, the
 * backups' folder), no secret.
 */
export function knownConfig(
  source: MachineSource | undefined,
  settings: LabSettings,
  shared: Partial<LabStepConfig>,
): LabStepConfig {
  return {
    ...placeholderConfig(settings),
    environment: source === 'local-lab' || source === undefined ? 'local-lab' : 'vm',
    images: settings.images,
    ...shared,
  };
}
