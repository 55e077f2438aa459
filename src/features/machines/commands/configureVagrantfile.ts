import * as vscode from 'vscode';
import type { StepOutcome } from '../../../core/labPanel/labActions';
import type { OutputLine } from '../../../core/labPanel/protocol';
import { minimalEdit } from '../../../core/text/textEdit';
import { DEFAULT_NETWORK_PREFIX } from '../../../core/vagrant/hostNetwork';
import { newLabVagrantfile } from '../../../core/vagrant/newVagrantfile';
import {
  readVagrantfile,
  updateVagrantfile,
  type VagrantChanges,
  type VagrantEdit,
  type VagrantLabSettings,
} from '../../../core/vagrant/vagrantfile';
import { describeVagrantfileChanges } from '../../../core/vagrant/vagrantfileSummary';
import { notifyError, notifyInfo } from '../../../editor/notify';
import { Command } from '../../../editor/command';
import { askVagrantfileValues, type VagrantfileValues } from './vagrantfilePrompts';

/**
 * Creates or updates the lab's Vagrantfile (section 1, step vagrant.file):
 * number of machines, memory, the guarded 10 GB data disk, the host-only
 * network. Values given as the argument are used as they are; the others
 * are asked, with the file's current values as defaults, and what will
 * change is shown before anything is written. The edit is one WorkspaceEdit
 * (undoable) that keeps every other line; a file Swarm Lab cannot follow is
 * left untouched with the reason.
 */
export interface VagrantfileArgs extends Partial<VagrantfileValues> {
  /** The workspace folder (path or Uri); asked when there are several. */
  readonly folder?: string | vscode.Uri;
}

export type VagrantfileResult =
  | {
      readonly kind: 'applied';
      readonly uri: vscode.Uri;
      readonly changes: readonly string[];
      /** config.rb, when the change went there too (coreos-vagrant's overrides). */
      readonly configRb?: vscode.Uri;
    }
  | { readonly kind: 'unchanged'; readonly uri: vscode.Uri }
  | { readonly kind: 'refused'; readonly uri?: vscode.Uri; readonly error: string }
  | { readonly kind: 'cancelled' };

export const CONFIGURE_VAGRANTFILE = 'swarmLab.vagrant.configureVagrantfile';

export function configureVagrantfileCommand(): Command {
  return {
    id: CONFIGURE_VAGRANTFILE,
    execute: (args?: unknown) => configureVagrantfile(isArgs(args) ? args : {}),
  };
}

function isArgs(value: unknown): value is VagrantfileArgs {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.Uri);
}

/** The lab panel's step vagrant.file: the same flow, its outcome in one sentence. */
export async function vagrantfileStep(onOutput: (line: OutputLine) => void, signal: AbortSignal): Promise<StepOutcome> {
  const source = new vscode.CancellationTokenSource();
  const abort = (): void => source.cancel();
  signal.addEventListener('abort', abort);
  try {
    const result = await configureVagrantfile({}, source.token);
    switch (result.kind) {
      case 'applied':
        for (const text of result.changes) {
          onOutput({ kind: 'info', text });
        }
        return { ok: true, summary: vscode.l10n.t('The Vagrantfile was written: {0}', result.uri.fsPath) };
      case 'unchanged':
        return { ok: true, summary: vscode.l10n.t('The Vagrantfile already says all that: nothing to change.') };
      case 'refused':
        return { ok: false, summary: result.error };
      case 'cancelled':
        return { ok: false, summary: vscode.l10n.t('Cancelled.') };
    }
  } finally {
    signal.removeEventListener('abort', abort);
    source.dispose();
  }
}

export async function configureVagrantfile(
  args: VagrantfileArgs,
  token?: vscode.CancellationToken,
): Promise<VagrantfileResult> {
  const folder = await pickFolder(args.folder, token);
  if (!folder) {
    return cancelledOrNoFolder();
  }
  const uri = vscode.Uri.joinPath(folder, 'Vagrantfile');
  const before = await currentText(uri);
  // coreos-vagrant's overrides beside it: Vagrant runs what config.rb says, so the count is read and changed there.
  const configUri = vscode.Uri.joinPath(folder, 'config.rb');
  const configBefore = before === undefined ? undefined : await currentText(configUri);
  const files = configBefore !== undefined ? { configRb: configBefore } : {};
  let settings: VagrantLabSettings | undefined;
  if (before !== undefined) {
    const read = readVagrantfile(before, vscode.l10n, files);
    if (!read.ok) {
      return refuse(read.error, uri);
    }
    settings = read.settings;
  }
  const asked = await askVagrantfileValues(settings, args, token);
  if (!asked) {
    return { kind: 'cancelled' };
  }
  const edit =
    before === undefined ? newFile(asked.values) : updateVagrantfile(before, changes(asked.values), vscode.l10n, files);
  if (!edit.ok) {
    return refuse(edit.error, uri);
  }
  if (!edit.changed) {
    void notifyInfo(vscode.l10n.t('The Vagrantfile already says all that: nothing to change.'));
    await vscode.window.showTextDocument(uri, { preview: false });
    return { kind: 'unchanged', uri };
  }
  const configAfter = edit.configRb?.changed ? edit.configRb.text : undefined;
  const after = readVagrantfile(
    edit.text,
    vscode.l10n,
    edit.configRb !== undefined ? { configRb: edit.configRb.text } : {},
  );
  const described = after.ok ? describeVagrantfileChanges(settings, after.settings, vscode.l10n) : [];
  if (asked.prompted) {
    const apply = vscode.l10n.t('Apply');
    const choice = await notifyInfo(
      before === undefined
        ? vscode.l10n.t('Create {0}?', uri.fsPath)
        : configAfter !== undefined
          ? vscode.l10n.t('Update {0} and {1}? Your other lines are kept.', uri.fsPath, configUri.fsPath)
          : vscode.l10n.t('Update {0}? Your other lines are kept.', uri.fsPath),
      { modal: true, detail: [...described, ...edit.notes].join('\n'), actions: [apply] },
    );
    if (choice !== apply || token?.isCancellationRequested) {
      return { kind: 'cancelled' };
    }
  }
  // One edit per file, each undone in its own editor (one edit over two files
  // would ask, on undo, whether to undo both). Both are checked first: no half change.
  const moved = async (): Promise<boolean> =>
    (await currentText(configUri)) !== configBefore || (await currentText(uri)) !== before;
  if (configAfter !== undefined && (await moved())) {
    throw new Error(vscode.l10n.t('The Vagrantfile changed meanwhile: nothing was changed, try again.'));
  }
  if (configAfter !== undefined) {
    await applyText(configUri, configBefore, configAfter);
    await vscode.window.showTextDocument(configUri, { preview: false });
  }
  if (before === undefined || edit.text !== before) {
    await applyText(uri, before, edit.text);
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  return { kind: 'applied', uri, changes: described, ...(configAfter !== undefined ? { configRb: configUri } : {}) };
}

function changes(values: VagrantfileValues): VagrantChanges {
  return {
    ...(values.numInstances !== undefined ? { numInstances: values.numInstances } : {}),
    ...(values.vmMemory !== undefined ? { vmMemory: values.vmMemory } : {}),
    dataDisk: values.dataDisk ?? false,
    hostOnlyNetwork: values.networkPrefix !== undefined && values.networkPrefix !== '',
    ...(values.networkPrefix ? { networkPrefix: values.networkPrefix } : {}),
  };
}

function newFile(values: VagrantfileValues): VagrantEdit {
  return newLabVagrantfile(
    {
      numInstances: values.numInstances ?? 3,
      vmMemory: values.vmMemory ?? 2048,
      dataDisk: values.dataDisk ?? true,
      ...(values.networkPrefix !== '' ? { networkPrefix: values.networkPrefix ?? DEFAULT_NETWORK_PREFIX } : {}),
    },
    vscode.l10n,
  );
}

function refuse(error: string, uri: vscode.Uri): VagrantfileResult {
  void notifyError(error);
  return { kind: 'refused', uri, error };
}

function cancelledOrNoFolder(): VagrantfileResult {
  if (vscode.workspace.workspaceFolders?.length) {
    return { kind: 'cancelled' };
  }
  const error = vscode.l10n.t("Open the lab's folder first: the Vagrantfile goes in a workspace folder.");
  void notifyError(error);
  return { kind: 'refused', error };
}

async function pickFolder(
  given: string | vscode.Uri | undefined,
  token: vscode.CancellationToken | undefined,
): Promise<vscode.Uri | undefined> {
  if (given !== undefined) {
    return typeof given === 'string' ? vscode.Uri.file(given) : given;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    return folders[0]?.uri;
  }
  const picked = await vscode.window.showQuickPick(
    folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })),
    { placeHolder: vscode.l10n.t("The folder of the lab's Vagrantfile") },
    token,
  );
  return picked?.folder.uri;
}

/** The text as the editor has it (unsaved changes included), else on disk; undefined if there is no file. */
async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    return open.getText();
  }
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      return undefined;
    }
    throw error;
  }
}

/** One WorkspaceEdit: the file created with its text, or the changed span replaced; then saved if it was clean. */
async function applyText(uri: vscode.Uri, before: string | undefined, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  let wasDirty = false;
  let document: vscode.TextDocument | undefined;
  if (before === undefined) {
    edit.createFile(uri, { ignoreIfExists: false });
    edit.insert(uri, new vscode.Position(0, 0), text);
  } else {
    document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== before) {
      throw new Error(vscode.l10n.t('The Vagrantfile changed meanwhile: nothing was changed, try again.'));
    }
    wasDirty = document.isDirty;
    const change = minimalEdit(0, before, text);
    edit.replace(
      uri,
      new vscode.Range(document.positionAt(change.offset), document.positionAt(change.offset + change.length)),
      change.newText,
    );
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new Error(vscode.l10n.t('VS Code did not apply the edit to {0}.', uri.fsPath));
  }
  if (!wasDirty) {
    await (document ?? (await vscode.workspace.openTextDocument(uri))).save();
  }
}
