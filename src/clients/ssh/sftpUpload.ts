import type { SFTPWrapper } from 'ssh2';

/**
 * Writes a file by SFTP, atomically: the content goes to a temporary file
 * beside the target, which then replaces it in one rename, so a reader never
 * sees half a file and a failed upload leaves the old one. The temporary
 * file is removed on failure or abort.
 */
export async function uploadBySftp(
  open: () => Promise<SFTPWrapper>,
  remotePath: string,
  content: string | Buffer,
  options: { readonly mode?: number; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const sftp = await open();
  const slash = remotePath.lastIndexOf('/');
  const tmp = `${remotePath.slice(0, slash + 1)}.${remotePath.slice(slash + 1)}.swarm-lab-${process.pid}-${Date.now()}.tmp`;
  const mode = options.mode ?? 0o644;
  const call = (fn: (cb: (err?: Error | null) => void) => void): Promise<void> =>
    new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        return;
      }
      fn((err) => (err ? reject(err) : resolve()));
    });
  try {
    await call((cb) => sftp.writeFile(tmp, content, { mode }, cb));
    // writeFile's mode applies only when it creates the file, and the umask may have cut it.
    await call((cb) => sftp.chmod(tmp, mode, cb));
    // Plain SFTP rename refuses to replace an existing file; OpenSSH's extension is rename(2).
    await call((cb) => sftp.ext_openssh_rename(tmp, remotePath, cb)).catch((error: unknown) => {
      if (!/not supported|unsupported/i.test(error instanceof Error ? error.message : String(error))) {
        throw error;
      }
      return call((cb) => sftp.rename(tmp, remotePath, cb));
    });
  } catch (error) {
    await new Promise<void>((resolve) => sftp.unlink(tmp, () => resolve()));
    throw error;
  } finally {
    sftp.end();
  }
}
