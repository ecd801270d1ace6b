import type { Deps } from '../deps.ts';
import { assertFetchable } from './guard.ts';
import { httpError, networkError, timedOut, tooLarge } from './fetch-errors.ts';
import { ACCEPT, userAgent } from './user-agent.ts';
import { IngestError, type FetchOutcome, type FetchRequest } from './types.ts';
import { readCapped } from '../shared/read-capped.ts';

/** More hops than this is a misconfigured (or hostile) member: Miniflux and browsers stop around here too. */
export const MAX_REDIRECTS = 5;
const REDIRECT = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

/**
 * Fetches one member document: conditional GET, redirects followed by hand so that every hop
 * goes through the private-address guard, one deadline for the whole exchange (a server that
 * trickles bytes cannot hold a pull), and a size cap checked while streaming (a 50 MB answer
 * is cut at the cap, never buffered). Failures are thrown as IngestError; 304 and 410 are
 * outcomes. Same code on Node and workerd: only the Web fetch API (deps.fetch) is used.
 */
export async function fetchDocument(deps: Deps, req: FetchRequest): Promise<FetchOutcome> {
  const timeoutMs = req.timeoutMs ?? deps.config.fetch.timeoutMs;
  const maxBytes = req.maxBytes ?? deps.config.fetch.maxBytes;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Racing the deadline (rather than trusting every runtime to surface the abort in time)
  // bounds the call even if a read ignores the signal; the abort then frees the connection.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(timedOut(timeoutMs));
      controller.abort();
    }, timeoutMs);
  });
  let finished = false;
  try {
    const outcome = await Promise.race([
      exchange(deps, req, maxBytes, controller.signal),
      deadline,
    ]);
    // A 304 has no body and an accepted document's was read to its end: nothing is left open.
    // Aborting anyway cost more than the 304 itself (an AbortError built, undici's listeners
    // run), once per source of an all-304 pull.
    finished = outcome.status === 'not_modified' || outcome.status === 'ok';
    return outcome;
  } finally {
    clearTimeout(timer);
    // Whatever is still open (a body left unread after an error or a redirect) is released.
    if (!finished) controller.abort();
  }
}

async function exchange(
  deps: Deps,
  req: FetchRequest,
  maxBytes: number,
  signal: AbortSignal,
): Promise<FetchOutcome> {
  const headers: Record<string, string> = {
    'user-agent': await userAgent(deps),
    accept: ACCEPT,
    'accept-encoding': 'gzip',
  };
  if (req.etag) headers['if-none-match'] = req.etag;
  if (req.lastModified) headers['if-modified-since'] = req.lastModified;

  const seen = new Set<string>();
  let url = req.url;
  let hops = 0;
  let allPermanent = true;
  for (;;) {
    const target = await assertFetchable(deps, url);
    target.hash = '';
    seen.add(target.href);
    let res: Response;
    const { href, auth } = splitCredentials(target);
    for (let attempt = 1; ; attempt++) {
      try {
        // The platform fetch as it is: this exchange needs the raw response (statuses are
        // outcomes, redirects are followed by hand, the body is streamed under a cap), its own
        // deadline and its own retry, which is every feature a client like ofetch adds.
        res = await deps.fetch(href, {
          headers: auth ? { ...headers, authorization: auth } : headers,
          signal,
          redirect: 'manual',
        });
        break;
      } catch (err) {
        const failure = networkError(err, target.host, false);
        // A reused keep-alive connection the server had just closed fails before any answer:
        // a GET is safe to send again, once, on a fresh connection.
        if (attempt === 1 && !signal.aborted && failure.message.startsWith('connexion interrompue'))
          continue;
        throw failure;
      }
    }

    if (REDIRECT.has(res.status)) {
      void res.body?.cancel().catch(() => {});
      const next = redirectTarget(res, target);
      if (seen.has(next))
        throw new IngestError(
          'redirect_loop',
          `boucle de redirections (${splitCredentials(target).href} → ${splitCredentials(new URL(next)).href})`,
          res.status,
        );
      if (++hops > MAX_REDIRECTS)
        throw new IngestError(
          'redirect_loop',
          `trop de redirections (plus de ${MAX_REDIRECTS})`,
          res.status,
        );
      if (!PERMANENT.has(res.status)) allPermanent = false;
      url = next;
      continue;
    }

    const answer = {
      httpStatus: res.status,
      url: target.href,
      permanentRedirect: hops > 0 && allPermanent ? target.href : null,
      etag: res.headers.get('etag'),
      lastModified: res.headers.get('last-modified'),
    };
    if (res.status === 304) {
      // A 304 may omit the validators: the ones sent are still the right ones.
      return {
        ...answer,
        status: 'not_modified',
        etag: answer.etag ?? req.etag ?? null,
        lastModified: answer.lastModified ?? req.lastModified ?? null,
      };
    }
    if (res.status === 410) {
      void res.body?.cancel().catch(() => {});
      return { ...answer, status: 'gone' };
    }
    if (res.status < 200 || res.status > 299) {
      void res.body?.cancel().catch(() => {});
      throw httpError(res.status, res.statusText, res.headers.get('retry-after'), deps.clock.now());
    }
    const body = await readBody(res, maxBytes, target.host);
    return { ...answer, status: 'ok', body, contentType: res.headers.get('content-type') };
  }
}

/**
 * A private feed's `https://user:pass@host/…` is asked with a Basic Authorization header (fetch
 * refuses URLs with credentials, and its error would print the password). The outcome's URL
 * keeps them, so an adopted redirect still works; a relative redirect inherits them (WHATWG
 * URL resolution), a redirect to another host does not.
 */
function splitCredentials(url: URL): { href: string; auth: string | null } {
  if (!url.username && !url.password) return { href: url.href, auth: null };
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  const bytes = new TextEncoder().encode(
    `${unescapeSafe(url.username)}:${unescapeSafe(url.password)}`,
  );
  return { href: bare.href, auth: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

function unescapeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function redirectTarget(res: Response, from: URL): string {
  const location = res.headers.get('location');
  if (!location)
    throw new IngestError(
      'http_error',
      `HTTP ${res.status} sans adresse de redirection (Location)`,
      res.status,
    );
  try {
    const next = new URL(location, from);
    next.hash = '';
    return next.href;
  } catch {
    throw new IngestError(
      'invalid_url',
      `redirection vers une adresse invalide (${location.slice(0, 120)})`,
      res.status,
    );
  }
}

/** The body, decompressed, refused as soon as it passes `maxBytes` (declared or counted). */
async function readBody(res: Response, maxBytes: number, host: string): Promise<Uint8Array> {
  const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
  const declared = Number(res.headers.get('content-length') ?? NaN);
  // Content-Length counts compressed bytes: only a plain body can be refused on its word.
  if (!encoded && declared > maxBytes) {
    void res.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  let body: Uint8Array | null;
  try {
    body = await readCapped(res.body, maxBytes, 'cancel');
  } catch (err) {
    throw networkError(err, host, true);
  }
  if (!body) throw tooLarge(maxBytes);
  return body;
}
