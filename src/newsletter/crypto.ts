/**
 * Small Web Crypto helpers (the same on Node 20 and workerd): random tokens, sha-256 and
 * HMAC-SHA-256, all as base64url strings.
 */
const enc = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random, URL-safe token of `bytes` random bytes. */
export function randomToken(bytes = 24): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text))));
}

const keys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA-256 of `data` under `secret` (keys imported once per secret). */
export async function hmac(secret: string, data: string): Promise<string> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      enc.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keys.set(secret, key);
  }
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await key, enc.encode(data))));
}

/** Equality without early exit, for signatures. */
export function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
