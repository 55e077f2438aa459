require "json"
require "vagrant/util/subprocess"

module VagrantPlugins
  module SwarmlabQemu
    # Runs `node out/src/vm/cli.js machine …` (the repository's compiled TypeScript) and reads its JSON line.
    module Cli
      SCRIPT = File.expand_path("../../out/src/vm/cli.js", __dir__)

      class Error < Vagrant::Errors::VagrantError
        def initialize(message)
          @message = message
          super()
        end

        def error_message
          @message
        end
      end

      def self.node
        ENV["SWARM_LAB_NODE"] || "node"
      end

      # command: "start", "stop", "state" or "destroy"; options: { "box" => dir, "memory" => 1024, … }.
      def self.machine(command, machine, options = {})
        unless File.file?(SCRIPT)
          raise Error, "#{SCRIPT} is missing: build the extension first (npm run build:tests)."
        end
        args = [node, SCRIPT, "machine", command, "--dir", machine.data_dir.to_s]
        options.each { |flag, value| args.push("--#{flag}", value.to_s) unless value.nil? }
        result = Vagrant::Util::Subprocess.execute(*args, notify: [:stderr]) do |_type, data|
          data.each_line { |line| machine.ui.detail(line.chomp) } if command == "start"
        end
        if result.exit_code != 0
          raise Error, "swarmlab_qemu: machine #{command} failed (exit #{result.exit_code}):\n#{result.stderr.strip}"
        end
        JSON.parse(result.stdout.lines.last || "{}")
      end
    end
  end
end
