import { IngestError } from './types.ts';

/**
 * Turning what went wrong during a fetch into an IngestError a coordinator can read (pure).
 * Node (undici) and workerd report network failures differently: both are recognised here.
 */

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  // Cloudflare's own answer when a Worker's subrequest cannot reach the origin (DNS error 1016 and the like).
  530: 'Origin Unreachable',
};

/** "HTTP 404 Not Found" (the server's reason phrase, else the standard one). */
export function httpLabel(status: number, statusText: string): string {
  const text = statusText.trim() || STATUS_TEXT[status] || '';
  return `HTTP ${status}${text ? ` ${text}` : ''}`;
}

/** A week: a member asking for more must not retire its own feed (refresh backs off on its own after that). */
const MAX_RETRY_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at) || !/[a-z]/i.test(v)) return undefined;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** The error for a non-2xx answer (other than 304 and 410, which are outcomes). */
export function httpError(
  status: number,
  statusText: string,
  retryAfter: string | null,
  now: Date,
): IngestError {
  const retryAfterMs =
    status === 429 || status === 503 ? parseRetryAfter(retryAfter, now) : undefined;
  const wait =
    retryAfterMs !== undefined ? ` — réessayer dans ${formatDuration(retryAfterMs)}` : '';
  return new IngestError(
    'http_error',
    `${httpLabel(status, statusText)}${wait}`,
    status,
    retryAfterMs,
  );
}

export function tooLarge(maxBytes: number): IngestError {
  return new IngestError('too_large', `réponse trop volumineuse (> ${formatBytes(maxBytes)})`);
}

export function timedOut(timeoutMs: number): IngestError {
  return new IngestError('timeout', `délai dépassé (${formatDuration(timeoutMs)})`);
}

/**
 * A failure thrown by fetch or while reading the body. `host` names the server in the message;
 * `midBody` says the headers had arrived (the connection died during the body).
 */
export function networkError(err: unknown, host: string, midBody: boolean): IngestError {
  if (err instanceof IngestError) return err;
  const { codes, text } = describe(err);
  const has = (...c: string[]) => c.some((x) => codes.has(x));
  // Node's connection-time guard (workers/node/guarded-fetch.ts): the address the name led to is private.
  if (has('EHUB_BLOCKED_ADDRESS')) {
    return new IngestError('blocked_host', text || `adresse privée ou locale refusée (${host})`);
  }
  if (
    has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA') ||
    /getaddrinfo|dns|name (not|could not be) resolved|name resolution/i.test(text)
  ) {
    return new IngestError('dns', `nom de domaine introuvable (${host})`);
  }
  if (midBody)
    return new IngestError('network', `connexion interrompue pendant la réponse (${host})`);
  if (has('ECONNREFUSED') || /connection refused|ECONNREFUSED/i.test(text)) {
    return new IngestError('network', `connexion refusée par ${host}`);
  }
  if (
    has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE') ||
    /reset|terminated|socket hang up|connection (lost|closed)/i.test(text)
  ) {
    return new IngestError('network', `connexion interrompue par ${host}`);
  }
  if (
    [...codes].some((c) => /CERT|SELF_SIGNED|TLS|SSL/.test(c)) ||
    /certificate|tls|ssl/i.test(text)
  ) {
    return new IngestError('network', `certificat TLS refusé pour ${host}`);
  }
  // workerd answers an unknown name or an unreachable address with an opaque "internal error; reference = …".
  if (has('EHOSTUNREACH', 'ENETUNREACH') || /unreachable|^internal error/i.test(text)) {
    return new IngestError('network', `${host} injoignable`);
  }
  return new IngestError(
    'network',
    `erreur réseau avec ${host} (${text.slice(0, 160) || 'inconnue'})`,
  );
}

/** Codes and messages along an error's cause chain (undici nests the socket error in `cause`). */
function describe(err: unknown): { codes: Set<string>; text: string } {
  const codes = new Set<string>();
  const texts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof o.code === 'string') codes.add(o.code);
    if (typeof o.message === 'string' && o.message) texts.push(o.message);
    else if (typeof e === 'string') texts.push(e);
    e = o.cause;
  }
  // undici's "fetch failed" wraps the socket's error: the innermost message says what happened.
  return { codes, text: texts.at(-1) ?? '' };
}

/** "15 s", "0,5 s", "2 min", "3 h". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${decimal(ms / 1000)} s`;
  if (ms < 3_600_000) return `${decimal(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${decimal(ms / 3_600_000)} h`;
  return `${decimal(ms / 86_400_000)} j`;
}

/** "5 Mo", "1,5 Mo", "64 ko", "900 octets" (binary multiples, French units). */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${decimal(n / (1024 * 1024))} Mo`;
  if (n >= 1024) return `${decimal(n / 1024)} ko`;
  return `${n} octets`;
}

function decimal(x: number): string {
  return String(Math.round(x * 10) / 10).replace('.', ',');
}
