import { runStatus } from './run';

/** The installed version of each Debian package asked about; undefined for one that is not installed. */
export type PackageQuery = (packages: readonly string[]) => Promise<ReadonlyMap<string, string | undefined>>;

/**
 * One `dpkg-query` for all the packages. A package dpkg has never heard of
 * makes it exit 1, yet it still prints the others: its output is read
 * whatever the exit code. A package counts as installed when its status is
 * (`ii`, or `hi` when held), not when only its configuration is left (`rc`).
 * Without dpkg-query at all, none is installed.
 */
export const dpkgVersions: PackageQuery = async (packages) => {
  const versions = new Map<string, string | undefined>(packages.map((p) => [p, undefined]));
  if (packages.length === 0) {
    return versions;
  }
  const { stdout } = await runStatus('dpkg-query', [
    '-W',
    '-f=${Package} ${Version} ${db:Status-Abbrev}\n',
    ...packages,
  ]).catch(() => ({ stdout: '' }));
  for (const line of stdout.split('\n')) {
    const [name = '', version = '', status = ''] = line.split(' ');
    if (versions.has(name) && status[1] === 'i') {
      versions.set(name, version);
    }
  }
  return versions;
};
