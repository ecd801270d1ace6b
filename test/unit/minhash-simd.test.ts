/**
 * The WebAssembly SIMD MinHash (src/ingest/dedupe/minhash-simd.ts) against the JavaScript loop:
 * signatures are stored and compared across pulls, so both must give the same values, and
 * the embedded bytes must be the .wat beside them, compiled.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtModule from 'wabt';
import {
  MINHASH_SIZE,
  minhashValues,
  minhashValuesJs,
  signatureToHex,
} from '../../src/ingest/dedupe/minhash.ts';
import { loadSimdMinhash, MINHASH_SIMD_WASM } from '../../src/ingest/dedupe/minhash-simd.ts';

const WAT = new URL('../../src/ingest/dedupe/minhash-simd.wat', import.meta.url);

describe('MinHash in WebAssembly SIMD', () => {
  it('embeds minhash-simd.wat as compiled', async () => {
    const wabt = await wabtModule();
    const module = wabt.parseWat('minhash-simd.wat', readFileSync(WAT, 'utf8'), { simd: true });
    const bytes = Buffer.from(module.toBinary({}).buffer).toString('base64');
    expect(MINHASH_SIMD_WASM).toBe(bytes);
  });

  it('gives the JavaScript loop’s signatures, on Node where it compiles', () => {
    const simd = loadSimdMinhash(new Int32Array(64), new Int32Array(64));
    expect(simd).not.toBeNull();
    let seed = 21;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    const edges = [0, 1, -1, 0x7fffffff, -0x80000000, 0x80000000 | 1];
    // Every size up to a body's cap, repeats, extremes, and past the module's capacity.
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 31, 250, 2998, 3000, 16_128, 16_129, 40_000];
    for (let k = 0; k < 300; k++) sizes.push(1 + ((next() >>> 0) % 600));
    for (const size of sizes) {
      const values = Int32Array.from({ length: size }, (_, i) =>
        i % 17 === 0 ? edges[i % edges.length]! : i % 5 === 0 ? next() & 7 : next(),
      );
      const js = minhashValuesJs(values, new Uint32Array(MINHASH_SIZE));
      expect(signatureToHex(minhashValues(values)), `size ${size}`).toBe(signatureToHex(js));
    }
    expect(signatureToHex(minhashValues(new Int32Array(0)))).toBe('f'.repeat(512));
  });
});
