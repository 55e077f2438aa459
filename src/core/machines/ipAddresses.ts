/**
 * The IPv4 addresses of a machine from `ip -o -4 addr show` (one line per
 * address: `2: eth1    inet 172.17.8.101/24 brd … scope global eth1 …`),
 * to tell which node holds the lab's virtual IP (keepalived adds it as a
 * second address on the interface).
 */
export function parseIpv4Addresses(output: string): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    const m = /\binet (\d{1,3}(?:\.\d{1,3}){3})\/\d+/.exec(line);
    if (m) {
      found.push(m[1]);
    }
  }
  return found;
}

/** A virtual IP setting as an address to look for, or undefined when unset or not an IPv4 address. */
export function virtualIpOf(setting: string | undefined): string | undefined {
  const value = (setting ?? '').trim();
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) && value.split('.').every((n) => Number(n) <= 255) ? value : undefined;
}
