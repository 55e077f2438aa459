module VagrantPlugins
  module SwarmlabQemu
    module Action
      # Stops the VM if it runs (a short grace: its disks are thrown away) and removes its disks.
      class Delete
        def initialize(app, _env)
          @app = app
        end

        def call(env)
          env[:ui].info("Destroying the VM and its disks…")
          Cli.machine("destroy", env[:machine], "grace-s" => 10)
          env[:machine].id = nil
          @app.call(env)
        end
      end
    end
  end
end
