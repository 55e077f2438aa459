import * as vscode from 'vscode';
import { HostKeyPolicy, UnknownHostQuestion } from '../../clients/ssh/hostKeyPolicy';
import { IdentityLoader } from '../../clients/ssh/sshIdentity';
import { notifyWarning } from '../../editor/notify';
import { settingPath } from '../../editor/settingPath';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';

/**
 * What SSH connections need from the user, asked through VS Code: trust an
 * unknown host key (a modal, once per host and key), a key's passphrase (an
 * input box, kept in memory only). One of each per window, shared by every
 * connection, which is what makes "ask once" hold across views. The policy
 * is rebuilt when `swarmLab.knownHostsFile` changes.
 */
export class SshTrust extends Disposable {
  private policy: HostKeyPolicy;
  readonly identities: IdentityLoader;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.policy = this.createPolicy();
    this.identities = new IdentityLoader(
      async ({ file, attempt }) =>
        vscode.window.showInputBox({
          title: vscode.l10n.t('Passphrase of {0}', file),
          prompt:
            attempt > 1
              ? vscode.l10n.t('Wrong passphrase, try again (attempt {0} of 3).', attempt)
              : vscode.l10n.t('Swarm Lab keeps it in memory for this window only.'),
          password: true,
          ignoreFocusOut: true,
        }),
      vscode.l10n,
    );
    this._register(
      refresh().onSettings(['knownHostsFile'], () => {
        this.policy = this.createPolicy();
      }),
    );
  }

  get hostKeys(): HostKeyPolicy {
    return this.policy;
  }

  /** A user's explicit refresh may ask again about a key declined earlier. */
  forgetDeclined(): void {
    this.policy.forgetDeclined();
  }

  private createPolicy(): HostKeyPolicy {
    return new HostKeyPolicy({
      // A value refused (a workspace's path out of its folder) is said, and ~/.ssh/known_hosts is used.
      knownHostsFile: settingPath('knownHostsFile') ?? '',
      confirmUnknownHost: (q) => confirmUnknownHost(q),
      l10n: vscode.l10n,
      onWarning: (message) => {
        this.log.warn(message);
        void notifyWarning(message, { log: this.log, logged: true });
      },
    });
  }
}

async function confirmUnknownHost(q: UnknownHostQuestion): Promise<boolean> {
  const where = q.port === 22 ? q.host : `${q.host}:${q.port}`;
  const lines = [
    vscode.l10n.t('{0} key fingerprint: {1}', q.keyType, q.fingerprint),
    vscode.l10n.t('If you trust it, it is saved to {0}.', q.knownHostsFile),
  ];
  if (q.otherKeyTypes.length > 0) {
    lines.unshift(
      vscode.l10n.t(
        'Warning: {0} already has a known key of another type ({1}). Make sure this one is genuine.',
        where,
        q.otherKeyTypes.join(', '),
      ),
    );
  }
  if (q.ignored.length > 0) {
    lines.push(vscode.l10n.t('{0} line(s) about this host are not used by Swarm Lab.', q.ignored.length));
  }
  const trust = vscode.l10n.t('Trust and Connect');
  const answer = await notifyWarning(vscode.l10n.t('The authenticity of {0} cannot be established.', where), {
    modal: true,
    detail: lines.join('\n'),
    actions: [trust],
  });
  return answer === trust;
}
