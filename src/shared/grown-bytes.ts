/**
 * A byte buffer reused from one call to the next, with room for `needed` bytes: `buffer`
 * itself when it has it, else a new one, at least twice as long (a run of growths then copies
 * little), holding its first `used` bytes.
 */
export function withRoom(
  buffer: Uint8Array<ArrayBuffer>,
  used: number,
  needed: number,
): Uint8Array<ArrayBuffer> {
  if (buffer.length >= needed) return buffer;
  const grown = new Uint8Array(Math.max(2 * buffer.length, needed));
  grown.set(buffer.subarray(0, used));
  return grown;
}
