/**
 * A new lab Vagrantfile, for a folder that has none: the coreos-vagrant
 * layout the lab starts from (`$num_instances`, `$vm_memory`, one machine
 * `core-0i` per instance), then the lab's settings put in by the very edits
 * that update an existing file, so that a new file and an updated one say
 * the same thing the same way.
 */
import type { Localizer } from '../l10n';
import { updateVagrantfile, type VagrantEdit } from './vagrantfile';

export interface NewLabSettings {
  readonly numInstances: number;
  /** Per machine, in MB. */
  readonly vmMemory: number;
  /** The guarded 10 GB data disk on each machine. */
  readonly dataDisk: boolean;
  /** `172.17.8`: a host-only network, machine i at <prefix>.(100 + i). None when absent. */
  readonly networkPrefix?: string;
}

const BASE = [
  '# -*- mode: ruby -*-',
  '# vi: set ft=ruby :',
  '#',
  "# The lab's machines, core-01 and up, in the layout of the coreos-vagrant",
  '# Vagrantfile. Written by Swarm Lab; edit it freely: Swarm Lab changes only',
  "# the lab's settings and keeps every other line.",
  '',
  'Vagrant.require_version ">= 1.6.0"',
  '',
  '$num_instances = 1',
  '$instance_name_prefix = "core"',
  '$vm_memory = 1024',
  '$vm_cpus = 1',
  "# The lab's box is Container Linux (coreos-stable); put here the box your course gives.",
  '$vm_box = "coreos-stable"',
  '',
  'Vagrant.configure("2") do |config|',
  '  # The same insecure key on every machine: simpler for a lab.',
  '  config.ssh.insert_key = false',
  '  config.vm.box = $vm_box',
  '',
  '  (1..$num_instances).each do |i|',
  '    config.vm.define vm_name = "%s-%02d" % [$instance_name_prefix, i] do |config|',
  '      config.vm.hostname = vm_name',
  '',
  '      config.vm.provider :virtualbox do |vb|',
  '        vb.memory = $vm_memory',
  '        vb.cpus = $vm_cpus',
  '      end',
  '    end',
  '  end',
  'end',
  '',
].join('\n');

/** The new file's text, or why the settings cannot be written (a value out of range). */
export function newLabVagrantfile(settings: NewLabSettings, l10n: Localizer): VagrantEdit {
  const edit = updateVagrantfile(
    BASE,
    {
      numInstances: settings.numInstances,
      vmMemory: settings.vmMemory,
      dataDisk: settings.dataDisk,
      hostOnlyNetwork: settings.networkPrefix !== undefined,
      ...(settings.networkPrefix !== undefined ? { networkPrefix: settings.networkPrefix } : {}),
    },
    l10n,
  );
  return edit.ok ? { ...edit, changed: true } : edit;
}
