/**
 * minhashValues' loop in WebAssembly SIMD (minhash-simd.wat): four hash functions per
 * instruction, the same int32 arithmetic (A·x + B, minimum biased by 2³¹), so the same
 * signatures. About six times faster than the JavaScript loop on the reading thread.
 * Cloudflare Workers refuse to compile WebAssembly from bytes (it is code generation): there
 * the module is null and minhash.ts runs its JavaScript loop, as on any runtime without
 * WebAssembly SIMD.
 */

/** minhash-simd.wat compiled (wat2wasm --enable-simd); test/unit/minhash-simd.test.ts checks it. */
export const MINHASH_SIMD_WASM =
  'AGFzbQEAAAABBgFgAn9/AAMCAQAFAwEAAQcRAgNtZW0CAAdtaW5oYXNoAAAK8QIB7gICA38NeyAAIAFBAnRqIQQDQCAC/QAEACEGIAL9AAQQIQcgAv0ABCAhCCAC/QAEMCEJIAL9AASAAiEKIAL9AASQAiELIAL9AASgAiEMIAL9AASwAiEN/Qz///9/////f////3////9/IQ4gDiEPIA4hECAOIREgACEDAkAgAyAETw0AA0AgA/0JAgAhBSAOIAYgBf21ASAK/a4B/bYBIQ4gDyAHIAX9tQEgC/2uAf22ASEPIBAgCCAF/bUBIAz9rgH9tgEhECARIAkgBf21ASAN/a4B/bYBIREgA0EEaiEDIAMgBEkNAAsLIAIgDv0MAAAAgAAAAIAAAACAAAAAgP1R/QsEgAQgAiAP/QwAAACAAAAAgAAAAIAAAACA/VH9CwSQBCACIBD9DAAAAIAAAACAAAAAgAAAAID9Uf0LBKAEIAIgEf0MAAAAgAAAAIAAAACAAAAAgP1R/QsEsAQgAkHAAGohAiACQYACSQ0ACws=';

/** Memory layout of the module: A at 0, B ^ 2³¹ at 256, the signature at 512, values from 1024. */
const VALUES_AT = 1024;

export interface SimdMinhash {
  /** The most values one call takes (the module's one page of memory). */
  capacity: number;
  /** Writes the signature of `values` (1 ≤ length ≤ capacity) into `sig`. */
  run(values: Int32Array, sig: Uint32Array): void;
}

/** The module with A and B written in, or null where it cannot be compiled (see above). */
export function loadSimdMinhash(a: Int32Array, b: Int32Array): SimdMinhash | null {
  let instance: WebAssembly.Instance;
  try {
    const bytes = Uint8Array.from(atob(MINHASH_SIMD_WASM), (c) => c.charCodeAt(0));
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  } catch {
    return null;
  }
  const memory = instance.exports.mem as WebAssembly.Memory;
  const minhash = instance.exports.minhash as (at: number, count: number) => void;
  const words = new Int32Array(memory.buffer);
  words.set(a, 0);
  words.set(b, 64);
  const out = new Uint32Array(memory.buffer, 512, 64);
  return {
    capacity: (memory.buffer.byteLength - VALUES_AT) >> 2,
    run(values, sig) {
      words.set(values, VALUES_AT >> 2);
      minhash(VALUES_AT, values.length);
      sig.set(out);
    },
  };
}
