import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english, type Localizer } from '../../src/core/l10n';
import { dpkgVersions, type PackageQuery } from '../../src/localLab/dpkg';
import {
  checkHost,
  hostRequirementsMessage,
  missingPieceLines,
  requiredCommands,
  type HostCheck,
} from '../../src/localLab/hostRequirements';
import { hostPackages, labImageSpecs } from '../../src/localLab/images/labImageSpecs';
import { findExecutable } from '../../src/localLab/run';
import { readJson } from './repoFiles';

/** Where this machine's real binaries are (root's PATH has the sbin folders; a user's may not). */
const REAL_PATH = [process.env['PATH'] ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(path.delimiter);

const installed =
  (...absent: string[]): PackageQuery =>
  (packages) =>
    Promise.resolve(new Map(packages.map((p) => [p, absent.includes(p) ? undefined : '1.0'])));

describe('host requirements of the local lab', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-host-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /**
   * A PATH of one folder holding `commands`: links to this machine's real
   * binaries where it has them, else stand-in scripts (so that only the
   * commands left out are missing, on any machine).
   */
  function pathWith(commands: readonly string[], real: boolean): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
    for (const command of commands) {
      const target = real ? findExecutable(command, REAL_PATH) : undefined;
      if (target) {
        fs.symlinkSync(target, path.join(dir, command));
      } else {
        fs.writeFileSync(path.join(dir, command), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      }
    }
    return dir;
  }

  const without = (...left: string[]): string[] => requiredCommands().filter((c) => !left.includes(c));

  it('finds an executable on the PATH given, and nothing that is not one', () => {
    const dir = pathWith(['tool'], false);
    fs.writeFileSync(path.join(dir, 'data'), 'not a program\n', { mode: 0o644 });
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
    fs.mkdirSync(path.join(dir, 'folder'), { mode: 0o755 });
    assert.equal(findExecutable('tool', `::/nonexistent:${dir}`), path.join(dir, 'tool'));
    for (const name of ['data', 'dangling', 'folder', 'absent']) {
      assert.equal(findExecutable(name, dir), undefined, name);
    }
    assert.equal(findExecutable('tool', ''), undefined);
    assert.equal(findExecutable(path.join(dir, 'tool'), ''), path.join(dir, 'tool'), 'a path is taken as is');
  });

  it('names debootstrap and the command that installs it when the PATH lacks it (real binaries, real dpkg)', async function () {
    const check = await checkHost({ env: { PATH: pathWith(without('debootstrap'), true) }, uid: 0 });
    assert.deepEqual(
      check.missing.filter((m) => m.kind === 'command').map((m) => m.name),
      ['debootstrap'],
    );
    const sentence = hostRequirementsMessage(check, english)!;
    assert.match(sentence, /^The local lab needs debootstrap\b/);
    assert.ok(sentence.includes('`apt-get install debootstrap'), sentence);
    // Where every host package is installed (CI installs them all), that is the whole sentence.
    if (check.missing.length === 1) {
      assert.equal(
        sentence,
        'The local lab needs debootstrap on this computer: run `apt-get install debootstrap`, then Start Local Lab again.',
      );
    }
  });

  it('says nothing when every piece is there', async () => {
    const check = await checkHost({
      env: { PATH: pathWith(requiredCommands(), false) },
      packages: installed(),
      uid: 0,
    });
    assert.deepEqual(check, { root: true, missing: [] });
    assert.equal(hostRequirementsMessage(check, english), undefined);
    assert.deepEqual(missingPieceLines(check, english), []);
  });

  it('asks dpkg about the packages the stand-in images copy, as labImageSpecs lists them', async () => {
    const asked: string[][] = [];
    const query: PackageQuery = (packages) => {
      asked.push([...packages]);
      return installed()(packages);
    };
    await checkHost({ env: { PATH: pathWith(requiredCommands(), false) }, packages: query, uid: 0 });
    assert.deepEqual(asked, [hostPackages(labImageSpecs())]);
    assert.deepEqual(asked[0], [
      'busybox-static',
      'caddy',
      'docker-registry',
      'keepalived',
      'prometheus',
      'prometheus-alertmanager',
      'prometheus-node-exporter',
    ]);
  });

  it('names every missing piece in one sentence, each package once, with what each is for', async () => {
    const check = await checkHost({
      env: { PATH: pathWith(without('debootstrap', 'systemd-nspawn', 'unshare'), false) },
      packages: installed('caddy', 'busybox-static'),
      uid: 0,
    });
    assert.equal(
      hostRequirementsMessage(check, english),
      'The local lab needs systemd-nspawn, debootstrap, unshare, busybox-static and caddy on this computer: run `apt-get install systemd-container debootstrap util-linux busybox-static caddy`, then Start Local Lab again.',
    );
    assert.deepEqual(missingPieceLines(check, english), [
      'systemd-nspawn (command, package systemd-container): boots each node (its own systemd, sshd and Docker engine)',
      "debootstrap (command, package debootstrap): builds the Debian base of the lab's nodes and images",
      "unshare (command, package util-linux): builds the Debian base of the lab's nodes and images",
      'busybox-static (package): its binaries go into swarm-lab/keepalived-debian:2.0.10 and swarm-lab/busybox-debian:latest',
      'caddy (package): its binaries go into swarm-lab/caddy-debian:2.6',
    ]);
  });

  it('words the two-piece case and the terminal’s retry exactly', async () => {
    const check = await checkHost({
      env: { PATH: pathWith(without('debootstrap'), false) },
      packages: installed('caddy'),
      uid: 0,
    });
    assert.equal(
      hostRequirementsMessage(check, english),
      'The local lab needs debootstrap and caddy on this computer: run `apt-get install debootstrap caddy`, then Start Local Lab again.',
    );
    assert.equal(
      hostRequirementsMessage(check, english, '`npm run lab -- up`'),
      'The local lab needs debootstrap and caddy on this computer: run `apt-get install debootstrap caddy`, then `npm run lab -- up` again.',
    );
  });

  it('needs nothing of the nodes on this computer: no dockerd, sshd, GlusterFS or docker-compose of its own', async () => {
    const check = await checkHost({
      env: { PATH: pathWith(requiredCommands(), false) },
      packages: installed(),
      uid: 0,
    });
    assert.equal(hostRequirementsMessage(check, english), undefined);
    for (const command of ['dockerd', 'containerd', 'sshd', 'glusterd', 'docker-compose', 'nsenter']) {
      assert.ok(!requiredCommands().includes(command), command);
    }
    const nspawn = await checkHost({
      env: { PATH: pathWith(without('systemd-nspawn'), false) },
      packages: installed(),
      uid: 0,
    });
    assert.equal(
      hostRequirementsMessage(nspawn, english),
      'The local lab needs systemd-nspawn on this computer: run `apt-get install systemd-container`, then Start Local Lab again.',
    );
  });

  it('gives not being root its own sentence, and then installs through sudo', async () => {
    const allThere = await checkHost({
      env: { PATH: pathWith(requiredCommands(), false) },
      packages: installed(),
      uid: 1000,
    });
    const root =
      'The local lab needs root (network namespaces): run VS Code as root in a VM or container, or use `sudo npm run lab -- up`.';
    assert.equal(hostRequirementsMessage(allThere, english), root);
    const check: HostCheck = {
      root: false,
      missing: [{ name: 'caddy', kind: 'package', debianPackage: 'caddy', purpose: { kind: 'images', images: ['x'] } }],
    };
    assert.equal(
      hostRequirementsMessage(check, english),
      `${root} The local lab needs caddy on this computer: run \`sudo apt-get install caddy\`, then Start Local Lab again.`,
    );
  });

  it('leaves the host packages out when no image is built, but not debootstrap (the nodes boot from its tree)', async () => {
    let asked = false;
    const check = await checkHost({
      env: { PATH: pathWith(requiredCommands(), false) },
      packages: () => {
        asked = true;
        return Promise.resolve(new Map());
      },
      uid: 0,
      images: false,
    });
    assert.deepEqual(check.missing, []);
    assert.equal(asked, false);
    assert.ok(requiredCommands().includes('debootstrap'));
    const noDebootstrap = await checkHost({
      env: { PATH: pathWith(without('debootstrap'), false) },
      packages: () => Promise.resolve(new Map()),
      uid: 0,
      images: false,
    });
    assert.deepEqual(
      noDebootstrap.missing.map((m) => m.name),
      ['debootstrap'],
    );
  });

  it('reads dpkg’s answer for the packages it knows even when one is unknown to it (real dpkg)', async () => {
    const versions = await dpkgVersions(['dpkg', 'swarm-lab-no-such-package']);
    assert.match(versions.get('dpkg') ?? '', /^\d/);
    assert.ok(versions.has('swarm-lab-no-such-package'));
    assert.equal(versions.get('swarm-lab-no-such-package'), undefined);
  });

  it('speaks French through the editor’s translator', async () => {
    const fr = readJson<Record<string, string>>('l10n/bundle.l10n.fr.json');
    const french: Localizer = { t: (message, ...args) => english.t(fr[message] ?? message, ...args) };
    const check = await checkHost({
      env: { PATH: pathWith(without('debootstrap'), false) },
      packages: installed('caddy'),
      uid: 0,
    });
    assert.equal(
      hostRequirementsMessage(check, french),
      'Le lab local a besoin de debootstrap et caddy sur cet ordinateur : lancez `apt-get install debootstrap caddy`, puis relancez Démarrer le lab local.',
    );
    assert.deepEqual(missingPieceLines(check, french), [
      'debootstrap (commande, paquet debootstrap) : construit la base Debian des nœuds et des images du lab',
      'caddy (paquet) : ses binaires vont dans swarm-lab/caddy-debian:2.6',
    ]);
  });

  it('stops `npm run lab -- up` first, exit 1 with the sentence, when the PATH lacks debootstrap', () => {
    const cli = path.join(__dirname, '..', '..', 'src', 'localLab', 'cli.js');
    const out = spawnSync(process.execPath, [cli, 'up', '--state', path.join(tmp, 'lab')], {
      // dpkg-query too: the CLI asks the real dpkg about the host packages.
      env: { PATH: pathWith([...without('debootstrap'), 'dpkg-query'], true) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(out.status, 1, out.stderr);
    assert.match(
      out.stderr,
      /The local lab needs debootstrap\b.*`(sudo )?apt-get install debootstrap.*`npm run lab -- up` again\./,
    );
    assert.match(
      out.stderr,
      /^ {2}debootstrap \(command, package debootstrap\): builds the Debian base of the lab's nodes and images$/m,
    );
    assert.equal(out.stdout, '');
    assert.ok(!fs.existsSync(path.join(tmp, 'lab')), 'nothing started');
  });
});
