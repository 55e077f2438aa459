import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { contextFiles, DockerImageNode } from '../../../clients/images/dockerImageNode';
import { BuildRequest } from '../../../clients/images/imageDistribution';
import { composeBuild } from '../../../core/compose/composeBuilds';
import { ComposeService } from '../../../core/compose/composeImages';
import { notifyError } from '../../../editor/notify';
import { ComposeAnalyses } from '../composeAnalyses';
import { ComposeTarget, openService } from '../composeTarget';
import { machineNodes } from '../../../editor/imageJobs';
import type { ImagePresenceService } from '../../../model/images/imagePresenceService';
import { requireTrust } from '../../../editor/trust';
import type { Command } from '../../../editor/command';

/** A service's image to build, distribute or push: what the three image commands share. */
export interface ImageJob {
  readonly target: ComposeTarget;
  readonly service: ComposeService;
  /** The image as the compose file names it. */
  readonly reference: string;
  readonly request: BuildRequest;
}

export async function resolveImageJob(
  uri: unknown,
  serviceName: unknown,
  analyses: ComposeAnalyses,
): Promise<ImageJob | undefined> {
  const picked = await openService(
    uri,
    analyses,
    serviceName,
    (s) => s.build && s.image?.reference !== undefined,
    vscode.l10n.t('The service whose image to build'),
  );
  if (!picked) {
    return undefined;
  }
  const { target, service } = picked;
  const fail = (message: string): undefined => {
    void notifyError(message);
    return undefined;
  };
  if (!service.image) {
    return fail(vscode.l10n.t('{0} has no image: name: add one first (the lens above it does).', service.name));
  }
  const ref = service.image.reference;
  if (!ref) {
    return fail(service.reason ?? vscode.l10n.t('The image of {0} is not a valid reference.', service.name));
  }
  if (ref.digest !== undefined) {
    return fail(vscode.l10n.t('{0} is pinned by a digest: a build cannot produce it.', service.image.value));
  }
  const build = await composeBuild(target.document.getText(), service.name, vscode.l10n);
  if (!build.ok) {
    return fail(build.message);
  }
  const contextDir = path.resolve(path.dirname(target.document.uri.fsPath), build.build.context);
  if (!fs.existsSync(contextDir) || !fs.statSync(contextDir).isDirectory()) {
    return fail(vscode.l10n.t('The build context {0} of {1} is not a folder.', contextDir, service.name));
  }
  return {
    target,
    service,
    reference: service.image.value,
    request: {
      contextDir,
      files: contextFiles(contextDir),
      ...(build.build.dockerfile !== undefined ? { dockerfile: build.build.dockerfile } : {}),
      args: build.build.args,
      ...(build.build.target !== undefined ? { target: build.build.target } : {}),
      tag: service.image.value,
    },
  };
}

/** What an image command on the machines runs once started: the job, the connected nodes, the unreachable named. */
export interface StartedImageJob {
  readonly job: ImageJob;
  readonly nodes: DockerImageNode[];
  readonly unreachable: string[];
}

/**
 * A command that builds a compose service's image on the machines: started
 * as buildJobOnMachines says, then `run` (nothing when a piece is missing).
 */
export function imageBuildCommand(
  id: string,
  refusedAction: () => string,
  analyses: ComposeAnalyses,
  presence: ImagePresenceService,
  run: (started: StartedImageJob) => Thenable<unknown>,
): Command {
  return {
    id,
    async execute(uri?: unknown, serviceName?: unknown) {
      const started = await buildJobOnMachines(refusedAction(), uri, serviceName, analyses, presence);
      return started ? run(started) : undefined;
    },
  };
}

/**
 * What building on the machines starts with: a trusted workspace, the
 * service's image to build, and the connected machines; undefined (the user
 * told why) when any is missing.
 */
export async function buildJobOnMachines(
  refusedAction: string,
  uri: unknown,
  serviceName: unknown,
  analyses: ComposeAnalyses,
  presence: ImagePresenceService,
): Promise<StartedImageJob | undefined> {
  if (!requireTrust('remote-commands', refusedAction)) {
    return undefined;
  }
  const job = await resolveImageJob(uri, serviceName, analyses);
  if (!job) {
    return undefined;
  }
  const connected = await machineNodes(presence);
  return connected && { job, ...connected };
}
