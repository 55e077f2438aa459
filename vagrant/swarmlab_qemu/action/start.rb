require "digest"

module VagrantPlugins
  module SwarmlabQemu
    module Action
      # Boots the VM (a new one, or a halted one on its kept disks) and records its id.
      class Start
        def initialize(app, _env)
          @app = app
        end

        def call(env)
          machine = env[:machine]
          config = machine.provider_config
          env[:ui].info("Starting the VM under QEMU (#{config.cpus} vCPU, #{config.memory} MB)…")
          options = {
            "box" => machine.box.directory,
            "name" => machine.name,
            "memory" => config.memory,
            "cpus" => config.cpus,
            "data-disk-gb" => config.data_disk_gb,
            "images-disk" => config.images_disk,
            "accel" => config.accel,
          }
          # One private segment per project: every machine of this Vagrantfile joins the same group.
          if config.lab_net
            options["lab-net"] = config.lab_net
          else
            options["lab-net-seed"] = machine.env.root_path.to_s
          end
          report = Cli.machine("start", machine, options)
          machine.id = "swarmlab-#{Digest::SHA256.hexdigest(machine.data_dir.to_s)[0, 12]}" if machine.id.nil?
          env[:ui].info("VM running (QEMU pid #{report['pid']}, #{report['accel']}); " \
                        "SSH on 127.0.0.1:#{report['sshPort']}")
          @app.call(env)
        end
      end
    end
  end
end
