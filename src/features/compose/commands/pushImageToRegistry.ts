import * as vscode from 'vscode';
import { buildOnEach, pushImage } from '../../../clients/images/imageDistribution';
import { formOf, toLocalForm, toRegistryForm } from '../../../core/images/imageForms';
import { notifyError } from '../../../editor/notify';
import { ComposeAnalyses } from '../composeAnalyses';
import { labRegistry } from '../composeSettings';
import { applyComposeEdits, openCompose } from '../composeTarget';
import { ImagePresenceService } from '../../../model/images/imagePresenceService';
import { Command } from '../../../editor/command';
import { machineNodes, reportOutcomes, withImageProgress } from '../../../editor/imageJobs';
import { resolveImageJob } from './imageJob';
import { requireTrust } from '../../../editor/trust';

/**
 * Tags the service's image in registry form and pushes it to the lab
 * registry from a node that holds it (built once on the first node when none
 * does), then switches the compose file to the registry form: every node
 * can now pull it.
 */
export function pushImageToRegistryCommand(
  analyses: ComposeAnalyses,
  presence: ImagePresenceService,
  log: vscode.LogOutputChannel,
): Command {
  return {
    id: 'swarmLab.images.pushToRegistry',
    async execute(uri?: unknown, serviceName?: unknown) {
      if (!requireTrust('remote-commands', vscode.l10n.t('Pushing an image to the registry'))) {
        return undefined;
      }
      const job = await resolveImageJob(uri, serviceName, analyses);
      const ref = job?.service.image?.reference;
      if (!job || !ref) {
        return undefined;
      }
      const registry = labRegistry();
      const form = formOf(ref, registry, { ownImage: true });
      const local = toLocalForm(ref, registry, vscode.l10n);
      const remote = toRegistryForm(ref, registry, vscode.l10n);
      if (form === 'other' || !local.ok || !remote.ok) {
        void notifyError(
          !local.ok
            ? local.problem.message
            : !remote.ok
              ? remote.problem.message
              : vscode.l10n.t('{0} is not an image of the lab registry.', job.reference),
        );
        return undefined;
      }
      const connected = await machineNodes(presence);
      if (!connected) {
        return undefined;
      }
      const { nodes, unreachable } = connected;
      const what = vscode.l10n.t('Push of {0}', remote.text);
      return withImageProgress(vscode.l10n.t('Pushing {0} to the registry', remote.text), async (progress, signal) => {
        // The image under either name, on the first node that has it.
        const held = await Promise.all(
          nodes.map(async (n) => ({
            node: n,
            local: await n.imageId(local.text).catch(() => undefined),
            remote: await n.imageId(remote.text).catch(() => undefined),
          })),
        );
        let source = held.find((h) => h.local !== undefined) ?? held.find((h) => h.remote !== undefined);
        let sourceRef = source?.local !== undefined ? local.text : remote.text;
        if (!source) {
          progress.report({ message: vscode.l10n.t('no node has it: building it on {0}', nodes[0].name) });
          const [built] = await buildOnEach(
            [nodes[0]],
            { ...job.request, tag: local.text },
            { signal, log: (l) => log.info(l) },
          );
          if (built.kind !== 'built') {
            reportOutcomes(what, [built], unreachable, log);
            return undefined;
          }
          source = { node: nodes[0], local: built.id, remote: undefined };
          sourceRef = local.text;
        }
        progress.report({ message: vscode.l10n.t('pushing from {0}', source.node.name) });
        const pushed = await pushImage(source.node, sourceRef, remote.text, { signal, log: (l) => log.info(l) });
        reportOutcomes(what, [pushed], [], log);
        if (pushed.kind !== 'pushed') {
          return pushed;
        }
        presence.markInRegistry(remote.text);
        // The file may have changed during the push: switch from a fresh analysis.
        const now = await openCompose(job.target.document.uri, analyses);
        const service = now?.analysis.services.find((s) => s.name === job.service.name);
        if (now && service?.flip?.to === 'registry') {
          await applyComposeEdits(now, service.flip.edits);
        }
        return pushed;
      });
    },
  };
}
