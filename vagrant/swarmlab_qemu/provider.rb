require "log4r"
require "vagrant/util/which"
require_relative "action"
require_relative "cli"

module VagrantPlugins
  module SwarmlabQemu
    class Provider < Vagrant.plugin("2", :provider)
      def self.usable?(raise_error = false)
        return true if Vagrant::Util::Which.which("qemu-system-x86_64")
        raise Vagrant::Errors::ProviderNotUsable, provider: "swarmlab_qemu", machine: "-" if raise_error
        false
      end

      def initialize(machine)
        @machine = machine
        @logger = Log4r::Logger.new("vagrant::swarmlab_qemu::provider")
      end

      def action(name)
        method = "action_#{name}"
        Action.respond_to?(method) ? Action.send(method) : nil
      end

      # The CLI's answer: {"state" => "running", "sshPort" => N, …}; not_created without a machine id.
      def report
        return { "state" => "not_created" } if @machine.id.nil?
        Cli.machine("state", @machine)
      end

      def state
        state_id = report["state"].to_sym
        long = {
          running: "The VM's QEMU process is running.",
          poweroff: "The VM is stopped; its disks are kept. `vagrant up` starts it again.",
          not_created: "The VM does not exist.",
        }[state_id].to_s
        state_id = Vagrant::MachineState::NOT_CREATED_ID if state_id == :not_created
        Vagrant::MachineState.new(state_id, state_id.to_s, long)
      end

      # Vagrant's ssh settings (user vagrant, its insecure key or the inserted one) apply on top of these.
      def ssh_info
        now = report
        return nil unless now["state"] == "running" && now["sshPort"]
        { host: "127.0.0.1", port: now["sshPort"] }
      end

      def to_s
        id = @machine.id ? @machine.id : "new VM"
        "Swarm Lab QEMU (#{id})"
      end
    end
  end
end
