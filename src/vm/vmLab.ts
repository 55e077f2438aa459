import * as fs from 'node:fs';
import * as path from 'node:path';
import { english } from '../core/l10n';
import { updateVagrantfile } from '../core/vagrant/vagrantfile';
import { writeIfChanged } from '../localLab/nodeFiles';
import { run } from '../localLab/run';
import { ensureBox } from './box';
import { ensureImagesDisk } from './imagesDisk';
import { isRunning, readVm } from './qemu';

/**
 * A lab of VMs as a student has one: a Vagrant project in coreos-vagrant's
 * layout (vagrant/lab's Vagrantfile and config.rb), brought up by the real
 * `vagrant` with the swarmlab_qemu provider, from the box built here. The
 * project folder holds everything: the Vagrantfile, Vagrant's own home
 * (where the box is added: nothing goes to ~/.vagrant.d), the machines'
 * disks. `down` destroys the machines and removes the folder, so nothing
 * is left behind. What `npm run vm -- up|down|status` and the vm tier drive.
 */
export interface VmLabOptions {
  /** The project folder (made by up, removed by down). Short: QEMU's control socket path must fit 107 bytes. */
  readonly projectDir: string;
  /** Where the box and the lab's images are cached (SWARM_LAB_IMAGE_CACHE). */
  readonly cacheDir: string;
  readonly log?: (line: string) => void;
  /** The node binary the provider runs its QEMU commands with (this one by default). */
  readonly nodeBinary?: string;
  /** The sample project whose images the lab builds (samples/tp1): with it, the VMs boot with the lab's images. */
  readonly samplesDir?: string;
}

/** The box's name in the project's Vagrant home, as the Vagrantfile asks for it. */
export const VM_BOX_NAME = 'swarm-lab/debian-vm';
export const VM_PROVIDER = 'swarmlab_qemu';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The project template, in the repository (not in the extension's package: the provider needs this repository). */
export const VM_LAB_TEMPLATE = path.join(REPO_ROOT, 'vagrant', 'lab');
export const VM_PROVIDER_PLUGIN = path.join(REPO_ROOT, 'vagrant', VM_PROVIDER, 'plugin.rb');

/** A machine as `vagrant status` names its state (running, poweroff, not_created…). */
export interface VmStatus {
  readonly name: string;
  readonly state: string;
}

export class VmLab {
  readonly projectDir: string;
  private readonly log: (line: string) => void;
  /** The images disk up() gave the VMs (imagesDisk.ts); later `vagrant up`s of a machine get it too. */
  private imagesDisk: string | undefined;

  constructor(private readonly options: VmLabOptions) {
    this.projectDir = path.resolve(options.projectDir);
    this.log = options.log ?? ((): void => undefined);
  }

  /** Vagrant's home for this project: the box lives here, not in the user's ~/.vagrant.d. */
  get vagrantHome(): string {
    return path.join(this.projectDir, '.vagrant.d');
  }

  /** The environment every `vagrant` run of the project gets. */
  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      VAGRANT_HOME: this.vagrantHome,
      VAGRANT_CWD: this.projectDir,
      VAGRANT_CHECKPOINT_DISABLE: '1',
      VAGRANT_DEFAULT_PROVIDER: VM_PROVIDER,
      SWARM_LAB_IMAGE_CACHE: this.options.cacheDir,
      SWARM_LAB_NODE: this.options.nodeBinary ?? process.execPath,
      // Read by the project's Vagrantfile (vagrant/lab): the provider's images_disk.
      ...(this.imagesDisk ? { SWARM_LAB_VM_IMAGES_DISK: this.imagesDisk } : {}),
    };
  }

  /** `vagrant ARGS` in the project, bounded (its process group is killed at the deadline or on abort). */
  vagrant(args: readonly string[], withinMs: number, signal?: AbortSignal): Promise<string> {
    const bound = AbortSignal.timeout(withinMs);
    return run('vagrant', [...args, '--no-color'], {
      env: this.env(),
      signal: signal ? AbortSignal.any([signal, bound]) : bound,
    });
  }

  /**
   * The project made once (an existing one is kept as the user edited it),
   * the box built or found and added to the project's Vagrant home, then
   * `vagrant up` of every machine (in parallel, Vagrant's default for
   * providers that allow it). Already running machines are left as they are.
   * With the samples' folder, the lab's images disk is made first (or found)
   * and each new VM boots with it: its dockerd has the lab's images.
   */
  async up(options: { vms?: number; signal?: AbortSignal; upWithinMs?: number } = {}): Promise<VmStatus[]> {
    const { files } = await ensureBox({ cacheDir: this.options.cacheDir, log: this.log, signal: options.signal });
    if (this.options.samplesDir) {
      this.imagesDisk = await ensureImagesDisk({
        cacheDir: this.options.cacheDir,
        samplesDir: this.options.samplesDir,
        log: this.log,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    this.makeProject(options.vms);
    if (!(await this.vagrant(['box', 'list'], 60_000, options.signal)).includes(VM_BOX_NAME)) {
      this.log(`adding the box ${VM_BOX_NAME} to ${this.vagrantHome}`);
      await this.vagrant(['box', 'add', '--name', VM_BOX_NAME, files.boxFile], 300_000, options.signal);
    }
    await this.vagrant(['up', '--provider', VM_PROVIDER], options.upWithinMs ?? 900_000, options.signal);
    return this.status(options.signal);
  }

  /** Every machine of the project with its state; none when the project does not exist. */
  async status(signal?: AbortSignal): Promise<VmStatus[]> {
    if (!fs.existsSync(path.join(this.projectDir, 'Vagrantfile'))) {
      return [];
    }
    return parseMachineStates(await this.vagrant(['status', '--machine-readable'], 120_000, signal));
  }

  /**
   * Destroys every machine, then makes sure no QEMU of the project outlives
   * it (a VM whose provider state was lost), and removes the project folder
   * with the Vagrant home and its box copy.
   */
  async down(signal?: AbortSignal): Promise<void> {
    if (fs.existsSync(path.join(this.projectDir, 'Vagrantfile'))) {
      await this.vagrant(['destroy', '-f'], 300_000, signal).catch((error: unknown) =>
        this.log(`vagrant destroy: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    for (const dir of this.machineDirs()) {
      const vm = readVm(dir);
      if (vm && isRunning(vm)) {
        this.log(`stopping ${vm.name} (pid ${vm.pid}), left running by Vagrant`);
        process.kill(vm.pid, 'SIGKILL');
      }
    }
    fs.rmSync(this.projectDir, { recursive: true, force: true });
  }

  /** The provider's folder of each machine Vagrant knows (`.vagrant/machines/NAME/swarmlab_qemu`). */
  machineDirs(): string[] {
    const root = path.join(this.projectDir, '.vagrant', 'machines');
    if (!fs.existsSync(root)) {
      return [];
    }
    return fs
      .readdirSync(root)
      .map((name) => path.join(root, name, VM_PROVIDER))
      .filter((dir) => fs.existsSync(dir));
  }

  /** The provider folder of one machine. */
  machineDir(name: string): string {
    return path.join(this.projectDir, '.vagrant', 'machines', name, VM_PROVIDER);
  }

  /**
   * The project folder made from the course's files (kept as they are when
   * they exist), then given what Swarm Lab's *Configure Vagrantfile* gives
   * such a project, by the same code: a 10 GB data disk for every machine
   * and, when `vms` is given, config.rb's number of machines. The template
   * has no disk, so every VM's `/dev/vdb` comes from that edit.
   */
  makeProject(vms?: number): void {
    fs.mkdirSync(this.projectDir, { recursive: true });
    for (const file of ['Vagrantfile', 'config.rb']) {
      const target = path.join(this.projectDir, file);
      if (!fs.existsSync(target)) {
        fs.copyFileSync(path.join(VM_LAB_TEMPLATE, file), target);
      }
    }
    this.configure(vms);
    // Vagrant loads this file from the project's root: the provider comes from this repository, no plugin install.
    fs.writeFileSync(path.join(this.projectDir, '.vagrantplugins'), `require ${JSON.stringify(VM_PROVIDER_PLUGIN)}\n`);
  }

  private configure(vms: number | undefined): void {
    const vagrantfile = path.join(this.projectDir, 'Vagrantfile');
    const configFile = path.join(this.projectDir, 'config.rb');
    const text = fs.readFileSync(vagrantfile, 'utf8');
    const configRb = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined;
    const edit = updateVagrantfile(
      text,
      { dataDisk: true, ...(vms !== undefined ? { numInstances: vms } : {}) },
      english,
      configRb !== undefined ? { configRb } : {},
    );
    if (!edit.ok) {
      throw new Error(`Configure Vagrantfile: ${edit.error}`);
    }
    if (edit.text !== text) {
      writeIfChanged(vagrantfile, edit.text);
      this.log(`Configure Vagrantfile: ${vagrantfile} changed`);
    }
    if (edit.configRb?.changed) {
      writeIfChanged(configFile, edit.configRb.text);
      this.log(`Configure Vagrantfile: ${configFile} changed`);
    }
  }
}

/** `vagrant status --machine-readable` → each machine's state, in Vagrant's order. */
export function parseMachineStates(output: string): VmStatus[] {
  const states: VmStatus[] = [];
  for (const line of output.split('\n')) {
    const [, target, type, data] = line.split(',');
    if (type === 'state' && target) {
      states.push({ name: target, state: data });
    }
  }
  return states;
}
