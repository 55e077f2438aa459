import * as assert from 'node:assert/strict';
import { SshNodeSession, SudoMachine } from '../../src/clients/steps/sshNodeSession';
import type { LabDocker } from '../../src/core/labSteps/labSession';
import { shellCommand } from '../../src/core/shell/shellQuote';
import type { SshConnection } from '../../src/clients/ssh/sshConnection';

/** A connection whose exec and upload do what the case says, open or not (ssh2 closes before failing its callbacks). */
function connection(isOpen: boolean, exec: () => Promise<unknown>): SshConnection {
  return { isOpen, exec, upload: exec } as unknown as SshConnection;
}
const noResponse = (): Promise<never> => Promise.reject(new Error('No response from server'));
const session = (ssh: SshConnection): SshNodeSession => new SshNodeSession(ssh, {} as LabDocker, new SudoMachine(ssh));

describe('a node session whose SSH connection is lost', () => {
  it('says the connection was lost, with ssh2’s words, when a command or an upload fails on a closed connection', async () => {
    const lost = session(connection(false, noResponse));
    await assert.rejects(
      lost.exec(['true']),
      /^Error: the SSH connection to the machine was lost \(No response from server\)$/,
    );
    await assert.rejects(
      lost.upload('/etc/x', 'x'),
      /the SSH connection to the machine was lost \(No response from server\)/,
    );
    await assert.rejects(
      new SudoMachine(connection(false, noResponse)).execAsRoot(shellCommand(['true'])),
      /the SSH connection to the machine was lost/,
    );
  });

  it('says so for a command cut off without an exit code, but not for one the user cancelled', async () => {
    const cut = (cancelled: boolean) =>
      connection(false, () => Promise.resolve({ code: null, cancelled, stdout: '', stderr: '' }));
    await assert.rejects(session(cut(false)).exec(['sleep', '9']), /lost \(the command was cut off\)/);
    assert.deepEqual(await session(cut(true)).exec(['sleep', '9']), {
      code: null,
      cancelled: true,
      stdout: '',
      stderr: '',
    });
  });

  it('passes other failures through unchanged while the connection is open', async () => {
    const open = session(connection(true, noResponse));
    await assert.rejects(open.exec(['true']), /^Error: No response from server$/);
    const exited = connection(true, () => Promise.resolve({ code: null, cancelled: false, stdout: '', stderr: '' }));
    assert.equal((await session(exited).exec(['true'])).code, null);
  });
});
