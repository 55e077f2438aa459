import * as vscode from 'vscode';
import { notifyWarning } from '../../../editor/notify';
import { SwarmService } from '../../../model/swarm/swarmService';
import type { SwarmItem } from '../swarmTreeProvider';
import { Command } from '../../../editor/command';
import { requireTrust } from '../../../editor/trust';

/** Asks for a replica count (validated as it is typed) and scales the service. */
export function scaleServiceCommand(swarm: SwarmService): Command {
  return {
    id: 'swarmLab.swarm.scaleService',
    async execute(arg: unknown, replicasArg?: unknown) {
      const item = arg as SwarmItem | undefined;
      if (item?.kind !== 'service' || item.service.mode !== 'replicated') {
        void notifyWarning(vscode.l10n.t('Only a replicated service can be scaled.'));
        return undefined;
      }
      if (!requireTrust('remote-commands', vscode.l10n.t('Scaling a service'))) {
        return undefined;
      }
      const service = item.service;
      const answer =
        typeof replicasArg === 'number'
          ? String(replicasArg)
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Scale {0}', service.name),
              value: String(service.desired),
              prompt: vscode.l10n.t('Number of replicas'),
              validateInput: (v) =>
                /^\d+$/.test(v.trim()) && Number(v) <= 100 ? undefined : vscode.l10n.t('A whole number from 0 to 100'),
            });
      if (answer === undefined) {
        return undefined;
      }
      await swarm.scale(service.id, Number(answer.trim()));
      return Number(answer.trim());
    },
  };
}
