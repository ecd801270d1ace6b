/**
 * Reads a body up to a size cap, whichever side it comes from: a request to a route that takes
 * small forms or files, or a member's response to the fetcher. A missing or lying
 * Content-Length proves nothing, so what arrives is counted and reading stops at the cap (the
 * rest is never buffered). Works on Node and Workers alike (Web streams).
 */

/**
 * The stream's bytes, or null as soon as more than `max` arrive. Then `over` says what becomes
 * of the rest: `cancel` stops the download (a response), `release` leaves it to the server.
 * A request's rest must not be cancelled: on Node that destroys the socket, and the client,
 * still sending, gets a reset instead of the 413; released, the server drains and discards it.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  over: 'cancel' | 'release',
): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      if (over === 'cancel') void reader.cancel().catch(() => {});
      else reader.releaseLock();
      return null;
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}

/** A request's body, or null when it is larger than `max` (declared or counted). */
export async function readRequestCapped(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return null;
  return readCapped(req.body, max, 'release');
}
