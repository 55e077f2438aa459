import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { TestDockerDaemon } from './dockerDaemon';
import { CACHE_DIR, RUN_DIR } from './paths';
import { freePort } from './testNet';
import { ensureBusyboxImage } from './testImages';

/**
 * A Vagrant project for the real `vagrant` (Debian's 2.3, docker provider)
 * on the tests' private dockerd: the busybox test image (no registry can be
 * reached), no sshd inside (has_ssh = false: an image with sshd and
 * Vagrant's insecure key is heavier than these tests need).
 *   core-01  no network: running, yet `ssh-config` has nothing for it (SSHNotReady)
 *   core-02  publishes 127.0.0.1:<free port> → 22 on a user-defined bridge:
 *            `ssh-config` answers (nothing listens in it; no test connects)
 *   core-03  never brought up (not_created)
 */
export interface VagrantProject {
  readonly dir: string;
  /** The environment VagrantCli needs: DOCKER_HOST, the provider, a private VAGRANT_HOME. */
  readonly env: Record<string, string>;
  readonly sshPort: number;
  readonly vagrantHome: string;
  remove(): Promise<void>;
}

export async function createVagrantProject(docker: Dockerode, daemon: TestDockerDaemon): Promise<VagrantProject> {
  const image = await ensureBusyboxImage(docker);
  // Per clone (like RUN_DIR), so two clones' daemons never make the same bridge.
  const tag = crypto.createHash('sha256').update(RUN_DIR).digest('hex').slice(0, 6);
  const network = `swlab-vagrant-${tag}`;
  const subnet = `10.213.250.${(parseInt(tag.slice(0, 2), 16) % 32) * 8}/29`;
  await removeNetwork(docker, network);
  await docker.createNetwork({
    Name: network,
    Driver: 'bridge',
    IPAM: { Config: [{ Subnet: subnet }] },
    Options: { 'com.docker.network.bridge.name': `swv-${tag}` },
  });
  const sshPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-vagrant-'));
  fs.writeFileSync(path.join(dir, 'Vagrantfile'), vagrantfile(image, network, sshPort));
  // Kept between runs: Vagrant sets up its home (insecure key, data folders) on first use.
  const vagrantHome = path.join(CACHE_DIR, 'vagrant-home');
  fs.mkdirSync(vagrantHome, { recursive: true });
  return {
    dir,
    env: { DOCKER_HOST: daemon.host, VAGRANT_DEFAULT_PROVIDER: 'docker', VAGRANT_HOME: vagrantHome },
    sshPort,
    vagrantHome,
    remove: async () => {
      // Whatever `vagrant destroy` left (a test that failed half-way).
      const containers = await docker.listContainers({ all: true });
      await Promise.all(
        containers
          .filter((c) => c.Names.some((n) => n.startsWith(`/${path.basename(dir)}_`)))
          .map((c) => docker.getContainer(c.Id).remove({ force: true })),
      );
      await removeNetwork(docker, network);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function vagrantfile(image: string, network: string, sshPort: number): string {
  return `# Written by test/harness/vagrantProject.ts
Vagrant.configure("2") do |config|
  config.vm.synced_folder ".", "/vagrant", disabled: true
  ["core-01", "core-02", "core-03"].each do |name|
    config.vm.define name do |m|
      m.vm.provider "docker" do |d|
        d.image = "${image}"
        d.cmd = ["sleep", "3600"]
        d.has_ssh = false
        d.remains_running = true
        if name == "core-02"
          d.create_args = ["--network", "${network}", "--init"]
          d.ports = ["127.0.0.1:${sshPort}:22"]
        else
          # --init: sleep as PID 1 would ignore SIGTERM and make each halt wait 10 s.
          d.create_args = ["--network", "none", "--init"]
        end
      end
    end
  end
end
`;
}

async function removeNetwork(docker: Dockerode, name: string): Promise<void> {
  const found = await docker.listNetworks({ filters: JSON.stringify({ name: [name] }) });
  await Promise.all(found.filter((n) => n.Name === name).map((n) => docker.getNetwork(n.Id).remove()));
}
