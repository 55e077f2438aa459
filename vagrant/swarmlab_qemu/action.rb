require "vagrant/action/builder"

module VagrantPlugins
  module SwarmlabQemu
    # Vagrant's commands as middleware chains: Vagrant's builtins where they exist, ours (action/) for QEMU.
    module Action
      include Vagrant::Action::Builtin

      action_root = File.expand_path("action", __dir__)
      autoload :Start, File.join(action_root, "start")
      autoload :Stop, File.join(action_root, "stop")
      autoload :Delete, File.join(action_root, "delete")
      autoload :ConfigureNetworks, File.join(action_root, "configure_networks")

      def self.action_up
        Vagrant::Action::Builder.new.tap do |b|
          b.use ConfigValidate
          b.use Call, IsState, :not_created do |env, b2|
            b2.use HandleBox if env[:result]
          end
          b.use Call, IsState, :running do |env, b2|
            if env[:result]
              b2.use Message, "The VM is already running."
              next
            end
            # Provision runs the provisioners after the rest of this chain: once SSH answers and the network is set.
            b2.use Provision
            b2.use SyncedFolderCleanup
            b2.use SyncedFolders
            b2.use Start
            b2.use WaitForCommunicator, [:running]
            b2.use SetHostname
            b2.use ConfigureNetworks
          end
        end
      end

      def self.action_start
        action_up
      end

      def self.action_halt
        Vagrant::Action::Builder.new.tap do |b|
          b.use ConfigValidate
          b.use Call, IsState, :running do |env, b2|
            if env[:result]
              b2.use Stop
            else
              b2.use Message, "The VM is not running."
            end
          end
        end
      end

      def self.action_destroy
        Vagrant::Action::Builder.new.tap do |b|
          b.use ConfigValidate
          b.use Call, IsState, :not_created do |env, b2|
            if env[:result]
              b2.use Message, "The VM is not created."
              next
            end
            b2.use Call, DestroyConfirm do |env2, b3|
              if env2[:result]
                b3.use ProvisionerCleanup, :before
                b3.use Delete
                b3.use SyncedFolderCleanup
              else
                b3.use Message, "The VM will not be destroyed."
              end
            end
          end
        end
      end

      def self.action_reload
        Vagrant::Action::Builder.new.tap do |b|
          b.use action_halt
          b.use action_up
        end
      end

      def self.action_provision
        Vagrant::Action::Builder.new.tap do |b|
          b.use ConfigValidate
          b.use Call, IsState, :running do |env, b2|
            if env[:result]
              b2.use Provision
            else
              b2.use Message, "The VM is not running: `vagrant up` first."
            end
          end
        end
      end

      def self.action_ssh
        Vagrant::Action::Builder.new.tap do |b|
          b.use ConfigValidate
          b.use Call, IsState, :running do |env, b2|
            if env[:result]
              b2.use SSHExec
            else
              b2.use Message, "The VM is not running: `vagrant up` first."
            end
          end
        end
      end

      def self.action_ssh_run
        Vagrant::Action::Builder.new.tap do |b|
          b.use ConfigValidate
          b.use Call, IsState, :running do |env, b2|
            if env[:result]
              b2.use SSHRun
            else
              b2.use Message, "The VM is not running: `vagrant up` first."
            end
          end
        end
      end
    end
  end
end
