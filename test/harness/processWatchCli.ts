import * as readline from 'node:readline';
import { ProcessWatch } from './processWatch';

/*
 * ProcessWatch in a process of its own, so that its reading of /proc every
 * few milliseconds costs the watched program nothing (NodeActivity measures
 * the extension host's CPU while it watches the nodes' sshd). Arguments: the
 * root PIDs; what was there before is left out. Each line `report` on stdin
 * is answered with one JSON line: the new descendants of each root, in order.
 */
const watches = process.argv.slice(2).map((pid) => new ProcessWatch(Number(pid), 10, true));
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'report') {
    process.stdout.write(`${JSON.stringify(watches.map((w) => w.processes()))}\n`);
  }
});
lines.on('close', () => {
  watches.forEach((w) => w.stop());
  process.exit(0);
});
process.stdout.write('ready\n');
