import * as fs from 'node:fs';
import * as path from 'node:path';
import { runStatus } from '../localLab/run';

/**
 * Vagrant's well-known insecure key pair. A box ships its public half in
 * the vagrant user's authorized_keys; on the first `vagrant up`, Vagrant
 * logs in with the private half and replaces it with a key of the machine's
 * own (insert_key). Debian's vagrant package carries the pair, so nothing is
 * downloaded and nothing is copied into this repository.
 */
export interface VagrantKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/**
 * Picks the pair out of a package's file list (`dpkg-query -L vagrant`).
 * Vagrant 2.3.4 names the private key `keys/vagrant`; later releases
 * `keys/vagrant.key.rsa` (beside an ed25519 one), with one vagrant.pub.
 */
export function keyPairFromFileList(files: readonly string[]): VagrantKeyPair | undefined {
  const inKeys = files.map((f) => f.trim()).filter((f) => path.basename(path.dirname(f)) === 'keys');
  const publicKey = inKeys.find((f) => path.basename(f) === 'vagrant.pub');
  const privateKey =
    inKeys.find((f) => path.basename(f) === 'vagrant') ?? inKeys.find((f) => path.basename(f) === 'vagrant.key.rsa');
  return publicKey && privateKey ? { privateKey, publicKey } : undefined;
}

/** The pair of the installed vagrant package; throws with what to install when it is missing. */
export async function findVagrantKeyPair(): Promise<VagrantKeyPair> {
  const listed = await runStatus('dpkg-query', ['-L', 'vagrant']).catch(() => ({ code: 1, stdout: '' }));
  const pair = listed.code === 0 ? keyPairFromFileList(listed.stdout.split('\n')) : undefined;
  if (!pair || !fs.existsSync(pair.privateKey) || !fs.existsSync(pair.publicKey)) {
    throw new Error("Vagrant's insecure key pair was not found: apt-get install --no-install-recommends vagrant");
  }
  return pair;
}

/**
 * A copy of the private key that ssh accepts: the package installs it
 * world-readable, and ssh refuses such a key ("UNPROTECTED PRIVATE KEY FILE").
 */
export function privateKeyCopy(pair: VagrantKeyPair, dir: string): string {
  const copy = path.join(dir, 'vagrant_insecure_key');
  fs.copyFileSync(pair.privateKey, copy);
  fs.chmodSync(copy, 0o600);
  return copy;
}
