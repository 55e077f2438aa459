import * as vscode from 'vscode';
import { parseLabels } from '../../../core/cluster/nodeLabels';
import { SwarmService } from '../../../model/swarm/swarmService';
import { Command } from '../../../editor/command';
import { resolveNode } from './swarmItemArgument';
import { requireTrust } from '../../../editor/trust';

/**
 * Edits a node's labels as one `key=value, key=value` line (what placement
 * constraints match on). The line is validated as it is typed; a second
 * argument (a string) skips the input box.
 */
export function editNodeLabelsCommand(swarm: SwarmService): Command {
  return {
    id: 'swarmLab.swarm.editNodeLabels',
    async execute(arg: unknown, value?: unknown) {
      const node = await resolveNode(arg, swarm);
      if (!node || !requireTrust('remote-commands', vscode.l10n.t('Changing a node'))) {
        return undefined;
      }
      const current = Object.entries(node.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const answer =
        typeof value === 'string'
          ? value
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Labels of {0}', node.hostname),
              value: current,
              prompt: vscode.l10n.t('key=value pairs separated by commas; empty to remove all'),
              validateInput: (v) => {
                const parsed = parseLabels(v);
                return 'error' in parsed ? vscode.l10n.t('Not a label: {0}', parsed.error) : undefined;
              },
            });
      if (answer === undefined) {
        return undefined;
      }
      const parsed = parseLabels(answer);
      if ('error' in parsed) {
        throw new Error(vscode.l10n.t('Not a label: {0}', parsed.error));
      }
      await swarm.updateNode(node.id, (spec) => ({ ...spec, Labels: parsed.labels }));
      return parsed.labels;
    },
  };
}
