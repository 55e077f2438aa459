module VagrantPlugins
  module SwarmlabQemu
    # config.vm.provider :swarmlab_qemu do |q| q.memory = 1024; q.cpus = 1; q.data_disk_gb = 10 end
    class Config < Vagrant.plugin("2", :config)
      # MB of guest memory.
      attr_accessor :memory
      attr_accessor :cpus
      # A second, empty disk of this many GB (the guest's /dev/vdb); nil: none.
      attr_accessor :data_disk_gb
      # A qcow2 of Docker's data root with images (npm run vm -- up makes one): each VM boots with an overlay of it; nil: none.
      attr_accessor :images_disk
      # "239.x.y.z:PORT" of the private segment; nil: one derived from the project's folder.
      attr_accessor :lab_net
      # "kvm" or "tcg"; nil: KVM when it boots guests here, else TCG.
      attr_accessor :accel

      def initialize
        @memory = UNSET_VALUE
        @cpus = UNSET_VALUE
        @data_disk_gb = UNSET_VALUE
        @images_disk = UNSET_VALUE
        @lab_net = UNSET_VALUE
        @accel = UNSET_VALUE
      end

      def finalize!
        @memory = 1024 if @memory == UNSET_VALUE
        @cpus = 1 if @cpus == UNSET_VALUE
        @data_disk_gb = nil if @data_disk_gb == UNSET_VALUE
        @images_disk = nil if @images_disk == UNSET_VALUE || @images_disk == ""
        @lab_net = nil if @lab_net == UNSET_VALUE
        @accel = nil if @accel == UNSET_VALUE
      end

      def validate(_machine)
        errors = _detected_errors
        unless @memory.is_a?(Integer) && @memory >= 128
          errors << "swarmlab_qemu.memory must be a whole number of MB (>= 128)"
        end
        errors << "swarmlab_qemu.cpus must be a whole number >= 1" unless @cpus.is_a?(Integer) && @cpus >= 1
        if !@data_disk_gb.nil? && !(@data_disk_gb.is_a?(Integer) && @data_disk_gb >= 1)
          errors << "swarmlab_qemu.data_disk_gb must be a whole number of GB (>= 1) or nil"
        end
        if !@images_disk.nil? && !File.file?(@images_disk.to_s)
          errors << "swarmlab_qemu.images_disk: no file #{@images_disk}"
        end
        errors << "swarmlab_qemu.accel must be \"kvm\", \"tcg\" or nil" unless [nil, "kvm", "tcg"].include?(@accel)
        { "swarmlab_qemu provider" => errors }
      end
    end
  end
end
