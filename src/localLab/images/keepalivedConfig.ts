/**
 * The keepalived image stands in for `osixia/keepalived:2.0.10`, so it reads
 * the same environment variables. The rendering happens at container start
 * in a busybox shell script (the image has no Python or Node); this module
 * holds that script and a TypeScript twin of it: tests render the same
 * environment both ways and require identical output, and the unit tests
 * pin the parsing rules (the osixia "#PYTHON2BASH:[…]" list form included).
 */

export interface KeepalivedEnv {
  readonly KEEPALIVED_INTERFACE?: string;
  readonly KEEPALIVED_VIRTUAL_IPS?: string;
  readonly KEEPALIVED_UNICAST_PEERS?: string;
  readonly KEEPALIVED_PRIORITY?: string;
  readonly KEEPALIVED_ROUTER_ID?: string;
  readonly KEEPALIVED_PASSWORD?: string;
  readonly KEEPALIVED_STATE?: string;
}

export const KEEPALIVED_DEFAULTS = {
  KEEPALIVED_INTERFACE: 'eth0',
  KEEPALIVED_PRIORITY: '150',
  KEEPALIVED_ROUTER_ID: '51',
  KEEPALIVED_PASSWORD: 'd0cker',
  KEEPALIVED_STATE: 'BACKUP',
} as const;

const PYTHON2BASH = '#PYTHON2BASH:';

/**
 * A list variable, in either form the lab uses:
 * - `#PYTHON2BASH:['172.17.8.101', '172.17.8.102']` (osixia's form): the
 *   items are what stands between commas, quotes and brackets removed, so an
 *   item may hold spaces (`'10.0.0.1/24 dev eth1'`);
 * - a plain list `10.0.0.1,10.0.0.2` or `10.0.0.1 10.0.0.2`.
 */
export function parseKeepalivedList(value: string | undefined): string[] {
  const v = value ?? '';
  if (v.startsWith(PYTHON2BASH)) {
    return v
      .slice(PYTHON2BASH.length)
      .replace(/[[\]]/g, '')
      .split(/,|\n/)
      .map((item) => item.trim().replace(/^["']/, '').replace(/["']$/, ''))
      .filter((item) => item !== '');
  }
  return v.split(/[\s,]+/).filter((item) => item !== '');
}

/** The keepalived.conf the entrypoint writes; one address per line in unicast_peer (several on one line gave a split brain). */
export function renderKeepalivedConfig(env: KeepalivedEnv): string {
  const pick = (name: keyof typeof KEEPALIVED_DEFAULTS): string => env[name] || KEEPALIVED_DEFAULTS[name];
  const iface = pick('KEEPALIVED_INTERFACE');
  const block = (name: string, items: string[]): string =>
    items.length === 0 ? '' : `\n  ${name} {\n${items.map((i) => `    ${i}\n`).join('')}  }\n`;
  return (
    `global_defs {\n  default_interface ${iface}\n}\n\nvrrp_instance VI_1 {\n` +
    `  interface ${iface}\n  state ${pick('KEEPALIVED_STATE')}\n` +
    `  virtual_router_id ${pick('KEEPALIVED_ROUTER_ID')}\n  priority ${pick('KEEPALIVED_PRIORITY')}\n  nopreempt\n` +
    block('unicast_peer', parseKeepalivedList(env.KEEPALIVED_UNICAST_PEERS)) +
    block('virtual_ipaddress', parseKeepalivedList(env.KEEPALIVED_VIRTUAL_IPS)) +
    `\n  authentication {\n    auth_type PASS\n    auth_pass ${pick('KEEPALIVED_PASSWORD')}\n  }\n}\n`
  );
}

export const KEEPALIVED_RENDER_PATH = '/usr/local/bin/keepalived-render-config';
export const KEEPALIVED_ENTRYPOINT_PATH = '/usr/local/bin/keepalived-entrypoint';

/** The shell twin of renderKeepalivedConfig (busybox ash): prints the config on stdout. */
export const KEEPALIVED_RENDER_SCRIPT = `#!/bin/sh
# Prints a keepalived.conf made from the osixia/keepalived environment variables.
set -eu
set -f

items() {
  case "$1" in
    '${PYTHON2BASH}'*)
      printf '%s\\n' "\${1#'${PYTHON2BASH}'}" | tr -d '[]' | tr ',' '\\n' |
        sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e "s/^[\\"']//" -e "s/[\\"']\\$//" -e '/^$/d'
      ;;
    *)
      for item in $(printf '%s' "$1" | tr ',' ' '); do printf '%s\\n' "$item"; done
      ;;
  esac
}

block() {
  list=$(items "$2")
  [ -n "$list" ] || return 0
  printf '\\n  %s {\\n' "$1"
  printf '%s\\n' "$list" | while IFS= read -r item; do printf '    %s\\n' "$item"; done
  printf '  }\\n'
}

iface=\${KEEPALIVED_INTERFACE:-${KEEPALIVED_DEFAULTS.KEEPALIVED_INTERFACE}}
printf 'global_defs {\\n  default_interface %s\\n}\\n\\nvrrp_instance VI_1 {\\n' "$iface"
printf '  interface %s\\n  state %s\\n' "$iface" "\${KEEPALIVED_STATE:-${KEEPALIVED_DEFAULTS.KEEPALIVED_STATE}}"
printf '  virtual_router_id %s\\n' "\${KEEPALIVED_ROUTER_ID:-${KEEPALIVED_DEFAULTS.KEEPALIVED_ROUTER_ID}}"
printf '  priority %s\\n  nopreempt\\n' "\${KEEPALIVED_PRIORITY:-${KEEPALIVED_DEFAULTS.KEEPALIVED_PRIORITY}}"
block unicast_peer "\${KEEPALIVED_UNICAST_PEERS:-}"
block virtual_ipaddress "\${KEEPALIVED_VIRTUAL_IPS:-}"
printf '\\n  authentication {\\n    auth_type PASS\\n    auth_pass %s\\n  }\\n}\\n' "\${KEEPALIVED_PASSWORD:-${KEEPALIVED_DEFAULTS.KEEPALIVED_PASSWORD}}"
`;

/**
 * Writes the config, then runs keepalived in the foreground with its log on
 * the console (\`docker logs\`); arguments (e.g. --config-test) are passed on.
 */
export const KEEPALIVED_ENTRYPOINT_SCRIPT = `#!/bin/sh
set -eu
set -f
${KEEPALIVED_RENDER_PATH} > /etc/keepalived/keepalived.conf
# shellcheck disable=SC2086 # extra arguments are a word list, as in osixia's image
exec /usr/sbin/keepalived --dont-fork --log-console -f /etc/keepalived/keepalived.conf \${KEEPALIVED_COMMAND_LINE_ARGUMENTS:---log-detail} "$@"
`;
