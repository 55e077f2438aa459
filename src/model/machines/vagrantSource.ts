import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VagrantCli } from '../../clients/vagrant/vagrantCli';
import { VagrantMachineSource, VagrantSnapshot } from '../../clients/vagrant/vagrantMachineSource';
import { initialMachineState } from '../../core/vagrant/vagrantMachines';
import { expandHome } from '../../core/ssh/knownHosts';
import { vagrantfileMachines } from '../../core/vagrant/vagrantfileMachines';
import { settings } from '../../editor/settings';
import { refresh, VAGRANTFILES } from '../../editor/refresh';
import { onDidGrantTrust, workspaceTrusted } from '../../editor/trust';
import { Disposable } from '../../platform/disposable';
import type { ListedMachine, MachineListSource } from './machineRegistry';

/**
 * The machines of every workspace folder with a Vagrantfile, and of the
 * folders listed in `swarmLab.vagrant.folders`. vagrant takes
 * seconds per run, so it runs only when asked (a view shown, a refresh) or
 * when `.vagrant/machines/` changes (a machine created or destroyed from a
 * terminal); after such a change the source's own fresh answer is used as is,
 * without a second run. In a workspace that is not trusted, vagrant never
 * runs (it evaluates the Vagrantfile, Ruby code): the machines are read from
 * the Vagrantfile's text, until the user trusts the workspace.
 */
export class VagrantSource extends Disposable implements MachineListSource {
  readonly id = 'vagrant';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly folders = new Map<string, { source: VagrantMachineSource; subscriptions: { dispose(): void }[] }>();
  /** Folders whose last answer came from a change they reported: no need to run vagrant again. */
  private readonly fresh = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.syncFolders()));
    this._register(
      refresh().onSettings(['vagrant.folders'], () => {
        this.syncFolders();
      }),
    );
    // A Vagrantfile created or deleted adds or removes its folder.
    this._register(
      refresh().onFiles(VAGRANTFILES, (_uri, change) => {
        if (change !== 'changed') {
          this.syncFolders();
        }
      }),
    );
    this._register({ dispose: () => [...this.folders.keys()].forEach((dir) => this.drop(dir)) });
    // Trusted now: Vagrant can be asked for the real machines and states.
    this._register(onDidGrantTrust(() => this.changed.fire()));
    this.syncFolders(false);
  }

  /** The folder's source, for its machines' actions. */
  sourceFor(dir: string): VagrantMachineSource | undefined {
    return this.folders.get(dir)?.source;
  }

  async list(): Promise<{ machines: ListedMachine[]; problems: string[] }> {
    if (!workspaceTrusted()) {
      return this.listFromVagrantfiles();
    }
    const snapshots = await Promise.all(
      [...this.folders].map(async ([dir, { source }]): Promise<VagrantSnapshot> => {
        if (this.fresh.delete(dir) && source.current) {
          return source.current;
        }
        return source.refresh();
      }),
    );
    const machines = snapshots.flatMap((s) =>
      s.definitions.map((definition): ListedMachine => {
        const state = initialMachineState(definition);
        return { definition, up: state.kind === 'connecting' ? undefined : false, state };
      }),
    );
    const problems = snapshots.flatMap((s) => (s.error ? [`${s.dir}: ${s.error.message}`] : []));
    snapshots.forEach((s) => s.error && this.log.warn(`vagrant in ${s.dir}: ${s.error.details}`));
    return { machines, problems };
  }

  /** Untrusted: the machines the Vagrantfiles' text declares, their state unknown; nothing is run. */
  private async listFromVagrantfiles(): Promise<{ machines: ListedMachine[]; problems: string[] }> {
    const machines: ListedMachine[] = [];
    const problems: string[] = [];
    for (const dir of this.folders.keys()) {
      const file = ['Vagrantfile', 'vagrantfile'].map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
      const text = file ? await fs.promises.readFile(file, 'utf8').catch(() => undefined) : undefined;
      const read = text === undefined ? undefined : vagrantfileMachines(dir, text, vscode.l10n);
      for (const definition of read?.definitions ?? []) {
        machines.push({ definition, up: false, state: { kind: 'stopped' } });
      }
      problems.push(
        read?.problem !== undefined
          ? `${dir}: ${read.problem}`
          : vscode.l10n.t(
              '{0}: this workspace is not trusted, so Vagrant is not run; the machines are read from the Vagrantfile. Trust the workspace to let Vagrant be asked for their state.',
              dir,
            ),
      );
    }
    return { machines, problems };
  }

  private syncFolders(notify = true): void {
    // The workspace's folders, and those of the setting (a Vagrant project kept outside the workspace).
    const configured = settings().vagrantFolders();
    const candidates = [
      ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      ...configured.map((d) => expandHome(d.trim())),
    ];
    const dirs = [...new Set(candidates)].filter((d) => VagrantMachineSource.hasVagrantfile(d));
    let changed = false;
    for (const dir of dirs) {
      if (!this.folders.has(dir)) {
        this.add(dir);
        changed = true;
      }
    }
    for (const dir of [...this.folders.keys()]) {
      if (!dirs.includes(dir)) {
        this.drop(dir);
        changed = true;
      }
    }
    if (changed && notify) {
      this.changed.fire();
    }
  }

  private add(dir: string): void {
    const source = new VagrantMachineSource(dir, new VagrantCli(dir, { l10n: vscode.l10n }));
    // Vagrant is asked again when its files change, in a trusted workspace only.
    const files = refresh().onFiles(
      {
        id: `vagrant:${dir}`,
        pattern: new vscode.RelativePattern(vscode.Uri.file(dir), VagrantMachineSource.WATCH_GLOB),
      },
      () => {
        if (workspaceTrusted()) {
          source.changed();
        }
      },
    );
    const subscriptions = [
      files,
      source.onDidChange(() => {
        this.fresh.add(dir);
        this.changed.fire();
      }),
    ];
    this.folders.set(dir, { source, subscriptions });
  }

  private drop(dir: string): void {
    const entry = this.folders.get(dir);
    if (entry) {
      entry.subscriptions.forEach((s) => s.dispose());
      entry.source.dispose();
      this.folders.delete(dir);
    }
  }
}
