/**
 * On workerd, WebAssembly cannot be compiled from bytes: MinHash takes its JavaScript loop
 * there, and must give the signature Node gives (the value below, computed on Node by the
 * loop before the WebAssembly one existed).
 */
import { describe, expect, it } from 'vitest';
import { minhashValues, signatureToHex } from '../../src/ingest/dedupe/minhash.ts';
import { loadSimdMinhash } from '../../src/ingest/dedupe/minhash-simd.ts';

const GOLDEN =
  '00d21541000b47ac00556ece00d31a450052b431005907a8009c06670031b4bf001f01560001f5390084efa4' +
  '00111e18003d790b0498515900b84ded00981f2500623fd00087dee50073dfda00255a7c00015a89004a43db' +
  '02f5838a009dbda50074649000babcc70029d11400fa96d700264c4900161dec00498079003c748c001dd11b' +
  '000867e3009007d600380600008d5fd90090bb2e00a9f8fb0003c7a8008346e4000281de00de5ed9001dd8f0' +
  '0037ea72006440de0087793801048f790087d1210000a3820018a64f001501e20282717900e778e700a1eb1c' +
  '0037c9ce00c7743e011a2ea7000a7e5d004ab83c01a799ce004fdd26000b631d00c87fba';

describe('MinHash on workerd', () => {
  it('runs the JavaScript loop and gives Node’s signature', () => {
    expect(loadSimdMinhash(new Int32Array(64), new Int32Array(64))).toBeNull();
    const values = Int32Array.from({ length: 300 }, (_, i) => Math.imul(i + 1, 0x9e3779b1));
    expect(signatureToHex(minhashValues(values))).toBe(GOLDEN);
  });
});
