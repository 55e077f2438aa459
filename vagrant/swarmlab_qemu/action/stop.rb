module VagrantPlugins
  module SwarmlabQemu
    module Action
      # ACPI power button, then signals (bounded in the CLI); the disks stay.
      class Stop
        def initialize(app, _env)
          @app = app
        end

        def call(env)
          env[:ui].info("Stopping the VM…")
          Cli.machine("stop", env[:machine])
          @app.call(env)
        end
      end
    end
  end
end
