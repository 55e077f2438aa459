# Swarm Lab's Vagrant provider: QEMU VMs booted from a "swarmlab_qemu" box.
# A project loads it from its .vagrantplugins file:
#   require "/path/to/swarm-lab/vagrant/swarmlab_qemu/plugin"
# The QEMU work is done by the extension's TypeScript (out/src/vm/cli.js
# machine …); this side only maps Vagrant's actions onto that command.
begin
  require "vagrant"
rescue LoadError
  raise "The swarmlab_qemu provider must be loaded by Vagrant."
end

module VagrantPlugins
  module SwarmlabQemu
    class Plugin < Vagrant.plugin("2")
      name "swarmlab_qemu"
      description "QEMU VMs for Swarm Lab (TCG or KVM, user-mode networking, a private segment on loopback)."

      config(:swarmlab_qemu, :provider) do
        require_relative "config"
        Config
      end

      # parallel: every machine has its own folder and QEMU process; `vagrant up` starts them together.
      provider(:swarmlab_qemu, parallel: true, box_optional: false) do
        require_relative "provider"
        Provider
      end
    end
  end
end
