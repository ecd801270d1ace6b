import { describe, expect, it } from 'vitest';
import { foldText } from '../../src/ingest/dedupe/text.ts';

/** The definition foldText's table must reproduce: NFKD, marks dropped, ligatures, lowercase, separators. */
function reference(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

describe('foldText', () => {
  it('folds like NFKD on French text, on every character of its table, and outside it', () => {
    expect(foldText('« Économie sociale & solidaire » — l’Œuvre n°12, 1½ journée…')).toBe(
      reference('« Économie sociale & solidaire » — l’Œuvre n°12, 1½ journée…'),
    );
    for (let code = 0; code <= 0x24f; code++) {
      const ch = String.fromCharCode(code);
      expect(foldText(`a${ch}b ${ch}`), code.toString(16)).toBe(reference(`a${ch}b ${ch}`));
    }
    for (let code = 0x2000; code <= 0x206f; code++)
      expect(foldText(`x${String.fromCharCode(code)}y`)).toBe(
        reference(`x${String.fromCharCode(code)}y`),
      );
    // Outside the table (combining marks, Greek, emoji, full-width): the slow path, same result.
    for (const s of ['e\u0301te\u0301', 'Ελληνικά', 'café 😀 ＡＢＣ', 'ﬁn ﬂeur', 'Ⅻ ①'])
      expect(foldText(s)).toBe(reference(s));
  });

  it('matches the reference on random mixtures', () => {
    const pool = 'aàâäéèêëîïôöùûüçœæÿÀÉÈÊÇŒÆ ’«»—–…,.;:!?0123456789ßĳǅ\u00a0\u2009€²½';
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 2000; n++) {
      const s = Array.from(
        { length: 1 + Math.floor(rand() * 40) },
        () => pool[Math.floor(rand() * pool.length)],
      ).join('');
      expect(foldText(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});
