require "ipaddr"

module VagrantPlugins
  module SwarmlabQemu
    module Action
      # config.vm.network :private_network, ip: "…" → a static address on the VM's second NIC (the
      # project's private segment), applied by Vagrant's own guest capability (systemd-networkd on Debian).
      class ConfigureNetworks
        def initialize(app, _env)
          @app = app
        end

        def call(env)
          machine = env[:machine]
          networks = machine.config.vm.networks.select { |type, _| type == :private_network }.map do |_, options|
            raise Cli::Error, "swarmlab_qemu: a private_network needs an ip (DHCP is not served)" unless options[:ip]
            { type: :static, ip: options[:ip], netmask: options[:netmask] || "255.255.255.0", interface: 1 }
          end
          if networks.length > 1
            raise Cli::Error, "swarmlab_qemu: one private_network per VM (it has one private NIC)"
          end
          unless networks.empty?
            env[:ui].info("Configuring the private network: #{networks.first[:ip]}")
            machine.guest.capability(:configure_networks, networks)
          end
          @app.call(env)
        end
      end
    end
  end
end
