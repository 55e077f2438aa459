/**
 * The machines' network in a lab Vagrantfile: a host-only network
 * (VirtualBox's private_network) or a bridged one, and the first three
 * numbers of the machines' addresses when the file writes them as the lab
 * does (`"172.17.8.#{i+100}"`, directly after `ip:` or in an `ip = …` line
 * of the machine's block). The prefix is edited in place: only those
 * characters change.
 */
import type { Localizer } from '../l10n';
import { innerIndent, noMachineBlock, type LineEdit, type VagrantLayout } from './vagrantLayout';

export interface NetworkInfo {
  /** VirtualBox's private_network is a host-only network; public_network is bridged. */
  readonly kind: 'host-only' | 'bridged';
  /** The `ip:` expression as written (`ip`, `"172.17.8.#{i+100}"`). */
  readonly ip?: string;
  readonly line: number;
  /** `172.17.8` when the address is written `"172.17.8.#{…}"`, here or in `ip = …`. */
  readonly prefix?: string;
  /** The line holding that string (the network's own, or the `ip = …` one). */
  readonly prefixLine?: number;
}

export const DEFAULT_NETWORK_PREFIX = '172.17.8';

const NETWORK =
  /\.vm\.network\s*\(?\s*(:private_network|"private_network"|'private_network'|:public_network|"public_network"|'public_network')(.*)$/;
/** `"a.b.c.#{`: the address string, from its opening quote to the interpolation. */
const PREFIXED = /"(\d{1,3}\.\d{1,3}\.\d{1,3})\.#\{/d;

/** True for `a.b.c` with three numbers from 0 to 255. */
export function isNetworkPrefix(prefix: string): boolean {
  const parts = prefix.split('.');
  return parts.length === 3 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The machine's network (in its define block), or one set for all machines. */
export function networkOf(layout: VagrantLayout): NetworkInfo | undefined {
  const { define, configure } = layout;
  const ranges = define ? [define, configure] : [configure];
  for (const range of ranges) {
    for (let line = range.start + 1; line < range.end; line++) {
      const m = NETWORK.exec(layout.lines[line].code);
      if (m) {
        const ip = /(?:\bip:|:ip\s*=>)\s*([^,]+?)\s*(?:,|\)?\s*$)/.exec(m[2])?.[1];
        const kind = m[1].includes('private') ? 'host-only' : 'bridged';
        return { kind, ip, line, ...prefixOf(layout, range.start, line, ip) };
      }
    }
  }
  return undefined;
}

function prefixOf(
  layout: VagrantLayout,
  from: number,
  networkLine: number,
  ip: string | undefined,
): { prefix?: string; prefixLine?: number } {
  if (ip === undefined) {
    return {};
  }
  const direct = PREFIXED.exec(ip);
  if (direct && ip.startsWith('"')) {
    return { prefix: direct[1], prefixLine: networkLine };
  }
  if (!/^[a-z_]\w*$/.test(ip)) {
    return {};
  }
  // `ip = "…"` above the network line, in the same block: the nearest one.
  const assignment = new RegExp(`^\\s*${ip}\\s*=(?!=)\\s*(".*)$`);
  for (let line = networkLine - 1; line > from; line--) {
    const m = assignment.exec(layout.lines[line].code);
    if (m) {
      const found = PREFIXED.exec(m[1]);
      return found && m[1].startsWith(found[0]) ? { prefix: found[1], prefixLine: line } : {};
    }
  }
  return {};
}

/**
 * The edits for the network asked: a host-only network added when the
 * machines have none, the address prefix changed where the file writes it.
 */
export function networkEdits(
  layout: VagrantLayout,
  network: NetworkInfo | undefined,
  hostOnly: boolean,
  prefix: string | undefined,
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  if (prefix !== undefined && !isNetworkPrefix(prefix)) {
    return {
      ok: false,
      error: l10n.t(
        '"{0}" is not the start of an address: write three numbers from 0 to 255, such as 172.17.8.',
        prefix,
      ),
    };
  }
  if (!network) {
    if (!hostOnly) {
      return { ok: true, edits: [] };
    }
    const { loop, define } = layout;
    if (!loop || !define) {
      return { ok: false, error: noMachineBlock(l10n, layout) };
    }
    const indent = innerIndent(layout, define);
    const p = prefix ?? DEFAULT_NETWORK_PREFIX;
    return {
      ok: true,
      edits: [
        {
          kind: 'insert',
          before: define.end,
          texts: [
            `${indent}# Swarm Lab: the host-only network, ${p}.101 for the first machine`,
            `${indent}${define.name}.vm.network :private_network, ip: "${p}.#{${loop.name} + 100}"`,
          ],
        },
      ],
    };
  }
  if (prefix === undefined || prefix === network.prefix) {
    return { ok: true, edits: [] };
  }
  if (network.prefix === undefined || network.prefixLine === undefined) {
    return {
      ok: false,
      error: l10n.t(
        "The machines' addresses are written {0} (line {1}): change them by hand; the Vagrantfile was left untouched.",
        network.ip ?? '?',
        network.line + 1,
      ),
    };
  }
  const line = layout.lines[network.prefixLine];
  const span = PREFIXED.exec(line.code)?.indices?.[1];
  if (!span) {
    // Unreachable: the prefix was read from this very line.
    throw new Error(`no address prefix in line ${network.prefixLine + 1}`);
  }
  const text = line.text.slice(0, span[0]) + prefix + line.text.slice(span[1]);
  return { ok: true, edits: [{ kind: 'replace', line: network.prefixLine, text }] };
}
