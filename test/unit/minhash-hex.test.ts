import { describe, expect, it } from 'vitest';
import { signatureFromHex, signatureToHex } from '../../src/ingest/dedupe/minhash.ts';

describe('signatureToHex', () => {
  it('writes 8 lower-case hex digits per value, read back by signatureFromHex', () => {
    let seed = 64;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const sigs = [new Uint32Array(64), new Uint32Array(64).fill(0xffffffff)];
    for (let n = 0; n < 500; n++) sigs.push(Uint32Array.from({ length: 64 }, rand));
    for (const sig of sigs) {
      const hex = signatureToHex(sig);
      expect(hex).toBe(Array.from(sig, (v) => v.toString(16).padStart(8, '0')).join(''));
      expect(signatureFromHex(hex)).toEqual(sig);
    }
    // Every byte value in every position of a value, and a signature longer than 64 values
    // (the digits' buffer grows), then a short one again.
    const bytes = Uint32Array.from({ length: 256 }, (_, b) => (b * 0x01010101) >>> 0);
    const shifted = Uint32Array.from({ length: 256 }, (_, b) => (b << 24) | (b ^ 0x5a));
    for (const sig of [bytes, shifted, sigs[2]!])
      expect(signatureToHex(sig)).toBe(
        Array.from(sig, (v) => v.toString(16).padStart(8, '0')).join(''),
      );
    expect(signatureToHex(new Uint32Array(0))).toBe('');
    expect(signatureToHex(Uint32Array.of(0xab, 1))).toBe('000000ab00000001');
  });
});
