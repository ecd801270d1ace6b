/**
 * Reads a request body up to a size cap, for routes that take small forms or files: a missing
 * or lying Content-Length proves nothing, so what arrives is counted and reading stops at the
 * cap (the rest is never buffered). Works on Node and Workers alike (Web streams).
 */
export async function readCapped(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return null;
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Not cancel(): on Node that destroys the socket, and the client, still sending, gets a
      // reset instead of the 413. Released, the rest is drained and discarded by the server.
      reader.releaseLock();
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}
