import { describe, expect, it } from 'vitest';
import {
  maskedUrl,
  publicUrl,
  withMaskedCredentials,
  withoutCredentials,
} from '../../src/public-url.ts';

describe('publicUrl and maskedUrl: user-info in its several shapes', () => {
  const cases: Array<[string, string, string]> = [
    ['https://u:p@h.example/f.xml', 'https://h.example/f.xml', 'https://u:***@h.example/f.xml'],
    ['HTTPS://U:P@H.EXAMPLE/F', 'https://h.example/F', 'https://U:***@h.example/F'],
    ['https://TOKEN@h.example/', 'https://h.example/', 'https://***@h.example/'],
    ['https://u:p%40ss@h.example/', 'https://h.example/', 'https://u:***@h.example/'],
    ['https://u:p@ss@h.example/x', 'https://h.example/x', 'https://u:***@h.example/x'],
    ['https://u:@h.example:8443/x', 'https://h.example:8443/x', 'https://u:@h.example:8443/x'],
    ['https:/u:p@h.example/x', 'https://h.example/x', 'https://u:***@h.example/x'],
  ];
  it.each(cases)('%s', (raw, shown, masked) => {
    expect(publicUrl(raw)).toBe(shown);
    expect(maskedUrl(raw)).not.toContain(':p');
    if (!raw.includes('u:@')) expect(maskedUrl(raw)).toBe(masked);
  });

  it('leaves addresses without user-info as written', () => {
    for (const url of ['https://h.example', 'https://h.example/a?b=c@d', 'mailto:a@b.example'])
      expect(publicUrl(url)).toBe(url);
    expect(publicUrl(null)).toBeNull();
  });

  it('cleans free text that quotes URLs (error messages, log lines, JSON)', () => {
    const text =
      'boucle (https://u:p@a.example/x → http://v:q@b.example/y) {"url":"smtp://m:n@c:25"} a@b.fr';
    expect(withoutCredentials(text)).toBe(
      'boucle (https://a.example/x → http://b.example/y) {"url":"smtp://c:25"} a@b.fr',
    );
    expect(withMaskedCredentials(text)).toBe(
      'boucle (https://u:***@a.example/x → http://v:***@b.example/y) {"url":"smtp://m:***@c:25"} a@b.fr',
    );
  });
});
