import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  httpError,
  networkError,
  parseRetryAfter,
} from '../../src/ingest/fetch-errors.ts';
import { agentFor } from '../../src/ingest/user-agent.ts';
import { HUB_VERSION } from '../../src/version.ts';

const now = new Date('2026-11-29T12:00:00Z');

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates, refuses junk', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('caps a hostile delay at a week', () => {
    expect(parseRetryAfter('99999999999', now)).toBe(7 * 24 * 3600 * 1000);
  });

  it('only 429 and 503 carry it', () => {
    expect(httpError(429, 'Too Many Requests', '60', now)).toMatchObject({
      kind: 'http_error',
      status: 429,
      retryAfterMs: 60_000,
      message: 'HTTP 429 Too Many Requests — réessayer dans 1 min',
    });
    expect(httpError(503, '', '30', now)).toMatchObject({
      status: 503,
      retryAfterMs: 30_000,
      message: 'HTTP 503 Service Unavailable — réessayer dans 30 s',
    });
    expect(httpError(500, 'Internal Server Error', '60', now).retryAfterMs).toBeUndefined();
    expect(httpError(418, '', null, now).message).toBe('HTTP 418');
  });
});

describe('messages', () => {
  it('formats sizes and durations the French way', () => {
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 Mo');
    expect(formatBytes(1536 * 1024)).toBe('1,5 Mo');
    expect(formatBytes(64 * 1024)).toBe('64 ko');
    expect(formatBytes(900)).toBe('900 octets');
    expect(formatDuration(15_000)).toBe('15 s');
    expect(formatDuration(300)).toBe('0,3 s');
    expect(formatDuration(90_000)).toBe('1,5 min');
  });

  it('classifies undici-style and workerd-style network errors', () => {
    const undici = (code: string) =>
      new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ${code} 1.2.3.4:80`), { code }),
      });
    expect(networkError(undici('ECONNREFUSED'), 'a.example', false)).toMatchObject({
      kind: 'network',
      message: 'connexion refusée par a.example',
    });
    expect(networkError(undici('ENOTFOUND'), 'a.example', false)).toMatchObject({ kind: 'dns' });
    expect(networkError(undici('ECONNRESET'), 'a.example', false).message).toBe(
      'connexion interrompue par a.example',
    );
    expect(networkError(new TypeError('terminated'), 'a.example', true).message).toBe(
      'connexion interrompue pendant la réponse (a.example)',
    );
    expect(networkError(new Error('Network connection lost.'), 'a.example', false).message).toBe(
      'connexion interrompue par a.example',
    );
    expect(networkError(new Error('weird'), 'a.example', false).message).toBe(
      'erreur réseau avec a.example (weird)',
    );
  });
});

describe('User-Agent', () => {
  it('names the hub, its version and a contact URL (never loopback)', () => {
    expect(agentFor('https://hub.example.org/')).toBe(
      `IntercoopHub/${HUB_VERSION} (+https://hub.example.org)`,
    );
    expect(agentFor('http://127.0.0.1:8787')).toBe(`IntercoopHub/${HUB_VERSION}`);
    expect(agentFor(undefined)).toBe(`IntercoopHub/${HUB_VERSION}`);
  });

  it('HUB_VERSION follows package.json', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(HUB_VERSION).toBe(pkg.version);
  });
});
