import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { ContainerHosts } from '../containers';
import type { MachineRegistry } from '../machines';
import { loadImagesFromArchivesCommand } from './commands/loadImagesFromArchives';
import { ImagePresenceService } from './imagePresenceService';

export type { ImagePresenceService } from './imagePresenceService';
export { machineNodes, nodeProgress, reportOutcomes, withImageProgress, type ImageProgress } from './imageJobs';

export interface ImagesDeps {
  readonly log: vscode.LogOutputChannel;
  readonly machines: MachineRegistry;
  readonly containerHosts: ContainerHosts;
}

export interface ImagesFeature {
  /** Which machine holds which image, kept from the engines' image events. */
  readonly presence: ImagePresenceService;
  readonly commands: readonly Command[];
}

/** The images on every machine, and loading images from archives onto them. */
export function register(
  context: vscode.ExtensionContext,
  { log, machines, containerHosts }: ImagesDeps,
): ImagesFeature {
  const presence = new ImagePresenceService(containerHosts, machines, log);
  context.subscriptions.push(presence);
  return { presence, commands: [loadImagesFromArchivesCommand(presence, log)] };
}
