/**
 * Node labels typed as one line, `zone=a, disk=ssd`. Keys follow Docker's
 * label rules loosely (no spaces, no `=`); values may be empty (`ssd=`) as in
 * `docker node update --label-add ssd=`; a key alone means an empty value.
 */
export function parseLabels(line: string): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  for (const part of line.split(',')) {
    const item = part.trim();
    if (!item) {
      continue;
    }
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
      return { error: item };
    }
    labels[key] = value;
  }
  return { labels };
}
