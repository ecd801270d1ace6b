import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { newItemId } from '../../src/ingest/dedupe/item-id.ts';
import { hex32, sha256Hex } from '../../src/shared/hash.ts';

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

describe('hex32', () => {
  // Lead keys are stored as these digits: the table path must write what toString(16) wrote.
  it('writes (n >>> 0).toString(16) for every byte length, signed or not', () => {
    const samples = [0, 1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000, 0xffffff];
    samples.push(0x1000000, 0x7fffffff, -1, -0x80000000, 0x80000000, 0xffffffff, 0x0a0b0c0d);
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      // Every byte length, and bytes of zero inside.
      samples.push(seed >>> (8 * (i % 4)), seed & 0xff00ff00, seed & 0x00ff00ff);
    }
    expect(samples.map(hex32)).toEqual(samples.map((n) => (n >>> 0).toString(16)));
  });
});
