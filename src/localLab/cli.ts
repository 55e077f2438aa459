/**
 * `npm run lab -- up [--nodes N] [--no-images] | down [--purge] | status`
 * The local lab from a terminal (as root: namespaces need it).
 */
import * as path from 'node:path';
import { english } from '../core/l10n';
import { checkHost, hostRequirementsMessage, missingPieceLines } from './hostRequirements';
import { DEFAULT_NODES, MAX_NODES } from './labLayout';
import { LocalLab } from './localLab';
import { runningLab } from './labOwner';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, '.cache', 'lab');
export const IMAGE_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'lab-images');
export const SAMPLES_DIR = path.join(REPO_ROOT, 'samples', 'tp1');

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // The lab that runs on this machine, wherever it was started from (VS Code, npm start), comes first.
  const stateDir =
    flag(args, '--state') ?? runningLab(0)?.stateDir ?? process.env['SWARM_LAB_STATE'] ?? DEFAULT_STATE_DIR;
  const lab = new LocalLab(stateDir, (line) => console.log(line), 0, IMAGE_CACHE_DIR);
  switch (command) {
    case 'up': {
      const nodes = Number(flag(args, '--nodes') ?? DEFAULT_NODES);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
        console.error(`--nodes takes 1 to ${MAX_NODES}`);
        return 2;
      }
      // Before anything starts: a missing piece is one sentence, not a failure halfway.
      const images = !args.includes('--no-images');
      const host = await checkHost({ images });
      const problem = hostRequirementsMessage(host, english, '`npm run lab -- up`');
      if (problem !== undefined) {
        console.error(problem);
        missingPieceLines(host, english).forEach((line) => console.error(`  ${line}`));
        return 1;
      }
      const t0 = Date.now();
      const { layout, outcomes, adopted } = await lab.up(nodes);
      if (adopted) {
        console.log(`the lab in ${adopted} is already running on this machine: using it`);
      }
      if (images) {
        await lab.loadImages(layout, { cacheDir: IMAGE_CACHE_DIR, samplesDir: SAMPLES_DIR });
      }
      const all = [...outcomes.values()];
      const summary = all.every((o) => o === 'already up') ? 'already up' : 'up';
      console.log(`${nodes} nodes ${summary} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(`ssh -F ${layout.sshConfig} core-01`);
      return 0;
    }
    case 'down': {
      const t0 = Date.now();
      await lab.down({ purge: args.includes('--purge') });
      console.log(`lab down in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'status': {
      const rows = await lab.status();
      const yesNo = (b: boolean): string => (b ? 'up' : 'down');
      for (const r of rows) {
        console.log(
          `${r.name}  ${r.address.padEnd(13)}  sshd ${yesNo(r.sshd).padEnd(4)}  dockerd ${yesNo(r.dockerd).padEnd(4)}  swarm ${r.role}`,
        );
      }
      return rows.every((r) => r.sshd && r.dockerd) ? 0 : 1;
    }
    default:
      console.error('usage: npm run lab -- up [--nodes N] [--no-images] | down [--purge] | status');
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
