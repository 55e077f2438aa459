import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import {
  checkOperand,
  commandLine,
  describeShellQuoteError,
  operands,
  quoteArg,
  sh,
  ShellCommand,
  shellCommand,
  ShellQuoteError,
} from '../../src/core/shell/shellQuote';

/** The shells a node may log in with; each one present here parses the quoted text. */
const SHELLS = [
  ['/bin/sh', '-c'],
  ['/bin/bash', '-c'],
  ['/usr/bin/dash', '-c'],
  ['/bin/busybox', 'sh', '-c'],
  ['/usr/bin/zsh', '-c'],
].filter(([bin]) => fs.existsSync(bin));

/** What a shell hands to printf as arguments, one per NUL-terminated field. */
function wordsSeenBy(shell: string[], commandText: string): string[] {
  const out = execFileSync(shell[0], [...shell.slice(1), commandText], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  `'; rm -rf / #`,
  '$(reboot)',
  '`reboot`',
  '${HOME}',
  '$HOME',
  'a\nb',
  'trailing newline\n',
  '',
  ' ',
  'tab\there',
  'nœud-é 🐳 ノード',
  '-rf',
  '--force',
  'NAME=value',
  '=ls',
  '~root',
  '*',
  '[a-z]?',
  '{a,b}',
  '!!',
  'a\\b',
  '"double"',
  "'",
  "''",
  "it's",
  'x; y && z || w | v > /tmp/f < /etc/passwd & ',
  '#comment',
  '\\',
];

describe('shell quoting', () => {
  before(() => {
    // sh (dash) is part of every Debian system: a test machine without it is broken, not a reason to skip.
    assert.ok(SHELLS.length > 0, 'no POSIX shell found to check the quoting against');
  });

  it('brings every hostile value to each POSIX shell as exactly one unchanged word', () => {
    for (const shell of SHELLS) {
      // All of them in one command line: argument boundaries must survive too.
      assert.deepEqual(wordsSeenBy(shell, commandLine(['printf', '%s\\0', ...HOSTILE])), HOSTILE, shell.join(' '));
    }
  });

  it('runs nothing hidden in a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-quote-'));
    try {
      const witness = path.join(dir, 'pwned');
      const attempts = [
        `$(touch ${witness})`,
        `\`touch ${witness}\``,
        `; touch ${witness}`,
        `'; touch ${witness}; '`,
        `\ntouch ${witness}`,
        `&& touch ${witness}`,
      ];
      for (const shell of SHELLS) {
        assert.deepEqual(wordsSeenBy(shell, sh`printf '%s\0' ${attempts}`.text), attempts);
        assert.ok(!fs.existsSync(witness), `${shell.join(' ')} ran a command hidden in a value`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves plain words readable and quotes the rest', () => {
    assert.equal(quoteArg('docker'), 'docker');
    assert.equal(quoteArg('172.17.8.101:2377'), '172.17.8.101:2377');
    assert.equal(quoteArg('--label-add=zone=a'), '--label-add=zone=a');
    assert.equal(quoteArg('/opt/bin/docker-compose'), '/opt/bin/docker-compose');
    assert.equal(quoteArg(''), `''`);
    assert.equal(quoteArg("it's"), `'it'\\''s'`);
    assert.equal(quoteArg('$(reboot)'), `'$(reboot)'`);
    assert.equal(quoteArg('nœud'), `'nœud'`);
    // As a first word NAME=value would be an assignment, so it is quoted anywhere.
    assert.equal(quoteArg('NAME=value'), `'NAME=value'`);
    assert.equal(quoteArg('=ls'), `'=ls'`);
    assert.equal(commandLine(['docker', 'node', 'ls']), 'docker node ls');
  });

  it('refuses NUL, which no argv can carry, and an empty command', () => {
    assert.throws(
      () => quoteArg('a\0b'),
      (e: unknown) => e instanceof ShellQuoteError && e.problem === 'nul',
    );
    assert.throws(() => sh`echo ${'x\0'}`, ShellQuoteError);
    assert.throws(
      () => commandLine([]),
      (e: unknown) => e instanceof ShellQuoteError && e.problem === 'empty-command',
    );
  });

  it('builds commands with a tagged template, one word per interpolation', () => {
    const label = `zone=a b'; rm -rf / #`;
    const node = 'core-01';
    assert.equal(
      sh`docker node update --label-add ${label} ${node}`.text,
      `docker node update --label-add 'zone=a b'\\''; rm -rf / #' core-01`,
    );
    assert.equal(
      sh`docker swarm join --token ${'SWMTKN-1-abc'} ${'172.17.8.101:2377'}`.text,
      'docker swarm join --token SWMTKN-1-abc 172.17.8.101:2377',
    );
    // Lists give one word per element, numbers are words, built commands go in verbatim.
    assert.equal(sh`ls ${['a b', 'c']}`.text, `ls 'a b' c`);
    assert.equal(sh`sleep ${5}`.text, 'sleep 5');
    const inner = sh`docker info --format ${'{{.Swarm.LocalNodeState}}'}`;
    assert.equal(
      sh`${inner} | grep -qx active`.text,
      `docker info --format '{{.Swarm.LocalNodeState}}' | grep -qx active`,
    );
    // Interpolation glued to a literal stays one word: --opt='a b'.
    assert.equal(sh`--filename=${'a b'}`.text, `--filename='a b'`);
    // The literal parts are the author's shell, raw.
    assert.equal(sh`printf '%s\n' ${'x'}`.text, `printf '%s\\n' x`);
  });

  it('refuses an interpolation inside quotes written in the template', () => {
    assert.throws(() => sh`echo "${'x'}"`, /inside double quotes/);
    assert.throws(() => sh`echo '${'x'}'`, /inside single quotes/);
    assert.throws(() => sh`echo 'open`, /quote open/);
    // Quotes that are closed, or escaped, before the interpolation are fine.
    assert.equal(sh`echo "a" 'b' \" ${'c d'}`.text, `echo "a" 'b' \\" 'c d'`);
  });

  it('offers -- before operands, since quoting does not stop option injection', () => {
    // Quoted, "-rf" is still the word -rf: a program reads it as options.
    assert.equal(quoteArg('-rf'), '-rf');
    assert.equal(sh`rm -f ${operands('-rf', '/tmp/x y')}`.text, `rm -f -- -rf '/tmp/x y'`);
    assert.equal(checkOperand('core-01'), 'core-01');
    assert.throws(
      () => checkOperand('--help'),
      (e: unknown) => e instanceof ShellQuoteError && e.problem === 'leading-dash',
    );
  });

  it('turns an argv or a built command into the text an SSH exec sends', () => {
    assert.equal(shellCommand(['docker', 'ps', '--format', '{{.ID}}']).text, `docker ps --format '{{.ID}}'`);
    const built = sh`docker ps`;
    assert.equal(shellCommand(built), built);
    assert.ok(built instanceof ShellCommand);
    assert.equal(String(built), 'docker ps');
  });

  it('words each refusal for the user', () => {
    assert.match(describeShellQuoteError(new ShellQuoteError('nul', 'a\0'), english), /NUL/);
    assert.equal(
      describeShellQuoteError(new ShellQuoteError('leading-dash', '--x'), english),
      'The value "--x" starts with a dash and would be read as an option.',
    );
  });
});
