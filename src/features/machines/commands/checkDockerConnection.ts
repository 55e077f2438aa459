import * as vscode from 'vscode';
import { describeEndpoint } from '../../../clients/docker/dockerEndpoint';
import { describeDockerError } from '../../../clients/docker/dockerErrors';
import { notifyError, notifyInfo } from '../../../editor/notify';
import { LocalDockerEngine } from '../../../model/machines/localDockerEngine';
import { Command } from '../../../editor/command';

/** Answers "can Swarm Lab reach my Docker engine?" with one notification. */
export function checkDockerConnectionCommand(local: LocalDockerEngine, log: vscode.LogOutputChannel): Command {
  return {
    id: 'swarmLab.checkDockerConnection',
    async execute() {
      const endpoint = local.endpoint();
      const where = describeEndpoint(endpoint);
      try {
        const v = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Contacting the Docker engine…') },
          () => local.engine().version(),
        );
        const message = vscode.l10n.t(
          'Connected to Docker Engine {0} (API {1}) at {2}.',
          v.version,
          v.apiVersion,
          where,
        );
        log.info(message);
        void notifyInfo(message, { log, logged: true });
        return v;
      } catch (error) {
        const message = describeDockerError(error, endpoint, vscode.l10n);
        log.warn(message);
        const settings = vscode.l10n.t('Open Settings');
        void notifyError(message, { log, logged: true, actions: [settings] }).then((pick) => {
          if (pick === settings) {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'swarmLab.dockerHost');
          }
        });
        return undefined;
      }
    },
  };
}
