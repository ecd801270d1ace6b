import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { newItemId } from '../../src/ingest/dedupe/item-id.ts';
import { sha256Hex } from '../../src/shared/hash.ts';

async function subtle(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)),
  );
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('sha256Hex', () => {
  // Node takes crypto.hash; workerd's node:crypto has createHash only: both give one digest,
  // lone surrogates (feeds carry them) included.
  it('gives createHash’s digest, the path of runtimes without crypto.hash', () => {
    const samples = ['', 'abc', 'é’«»œ€😀', 'a\ud800b', '\udfff', 'x\ud83c', '<p>'.repeat(3000)];
    for (const s of samples)
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
  });

  it('matches the FIPS 180-2 examples', async () => {
    expect(await sha256Hex('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches crypto.subtle on every padding boundary and on multi-byte text', async () => {
    const samples: string[] = [];
    for (let n = 0; n <= 200; n++) samples.push('é’«»œ€😀a'.repeat(n).slice(0, n), 'x'.repeat(n));
    samples.push('Économie sociale et solidaire : '.repeat(500));
    for (const s of samples)
      expect(await sha256Hex(s), JSON.stringify(s.slice(0, 20))).toBe(await subtle(s));
  });
});

describe('newItemId', () => {
  it('is 16 characters of the unambiguous alphabet, sorted by creation time, and unique', () => {
    const ids = Array.from({ length: 20_000 }, () => newItemId(Date.UTC(2026, 10, 30, 12)));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[2-9a-km-np-z]{16}$/);
    expect(new Set(ids).size, '40 random bits within one time step').toBe(ids.length);
    // Later ids sort after earlier ones (4 ms steps), whatever their random part: new stories
    // land together at the end of the indexes keyed by item id.
    const times = [
      0,
      4,
      1_000,
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 10, 30, 12),
      Date.UTC(2100, 0, 1),
    ];
    const inOrder = times.map((t) => newItemId(t));
    expect([...inOrder].sort()).toEqual(inOrder);
    expect(newItemId(Date.UTC(2026, 10, 30, 12)).slice(0, 8)).toBe(ids[0]!.slice(0, 8));
  });
});
