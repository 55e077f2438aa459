/**
 * Copies root-owned files from one node to another over the nodes' own
 * sessions: read as root on the source (a tar archive, base64 so that it
 * travels as text), written as root on this node from stdin. Nothing is
 * copied by hand and nothing transits through a file on this machine. The
 * files are Ceph keyrings: their content is never logged nor shown, only
 * their paths and size.
 */
import { sh, type ShellCommand } from '../shell/shellQuote';
import type { Action, NodeContext } from '../steps/step';
import type { LabStepConfig } from './labConfig';
import { commandFailure, labSession } from './labSession';

/** The archive of `paths` (absolute) that exist on the source, base64 on stdout. */
export function packCommand(paths: readonly string[]): ShellCommand {
  const relative = paths.map((p) => p.replace(/^\/+/, ''));
  return sh`cd / && set -- && for p in ${relative}; do if [ -e "$p" ]; then set -- "$@" "$p"; fi; done && [ $# -gt 0 ] && tar -cz -- "$@" | base64 -w0`;
}

/** Unpacks what packCommand made, given on stdin, at the root of this node. */
export function unpackCommand(): ShellCommand {
  return sh`base64 -d | tar -xz -C / --no-same-owner`;
}

/**
 * An action copying `paths` from `source` (a node name) to the context's
 * node, each file keeping its relative place and mode.
 */
export function copyFromNode(
  ctx: NodeContext,
  config: LabStepConfig,
  source: string,
  paths: readonly string[],
): Action {
  const pack = packCommand(paths);
  const unpack = unpackCommand();
  return {
    kind: 'call',
    description: ctx.l10n.t(
      'copy {0} from {1} to {2}: on {1} {3}, on {2} {4}',
      paths.join(' '),
      source,
      ctx.node.name,
      pack.text,
      unpack.text,
    ),
    async run(session, io) {
      const from = labSession(await config.sessionOf(source, io.signal)).machine;
      const packed = await from.execAsRoot(pack, { signal: io.signal });
      if (packed.code !== 0 || packed.stdout.trim() === '') {
        throw new Error(commandFailure(`${source}: ${pack.text}`, packed, ctx.l10n));
      }
      const archive = packed.stdout.trim();
      const written = await labSession(session).machine.execAsRoot(unpack, { signal: io.signal, stdin: archive });
      if (written.code !== 0) {
        throw new Error(commandFailure(`${ctx.node.name}: ${unpack.text}`, written, ctx.l10n));
      }
      const text = ctx.l10n.t('{0} bytes copied from {1}', Math.floor((archive.length * 3) / 4), source);
      io.log(text);
      return text;
    },
  };
}
