/**
 * The text of a multiplexed Docker stream (logs or exec of a container
 * without a TTY): each frame is an 8-byte header (stream, size) and a payload.
 */
export function demuxFrames(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length;) {
    const size = raw.readUInt32BE(i + 4);
    parts.push(raw.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
