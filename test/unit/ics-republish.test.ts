import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/agenda/ics-republish.ts';

describe('plainText: DESCRIPTION as a calendar app should show it', () => {
  it.each([
    ['Texte simple, sans balise.', 'Texte simple, sans balise.'],
    ['<p>Un</p><p>Deux</p>', 'Un\nDeux'],
    ['Ligne<br>suivante<BR/>fin', 'Ligne\nsuivante\nfin'],
    ['<script>alert(1)</script>Reste', 'Reste'],
    ['<STYLE>p{}</STYLE><b>Gras</b> &amp; <i>italique</i>', 'Gras & italique'],
    // Escaped markup inside HTML is markup once decoded: removed on the next pass.
    ['<p>&lt;script&gt;alert(1)&lt;/script&gt;Après</p>', 'Après'],
    // Plain text with entities only holds no markup: left as written.
    ['&lt;b&gt; reste', '&lt;b&gt; reste'],
    ['<p>&#233;t&#xE9;&nbsp;!</p>', 'été\u00a0!'],
    ['<a href="javascript:alert(1)">lien</a>', 'lien'],
    ['<!-- <script>x</script> -->visible', 'visible'],
    ['<img src=x onerror=alert(1)>', ''],
    ['2 < 3 et 5 > 4', '2 < 3 et 5 > 4'],
    ['nul\u0000 et bip\u0007', 'nul et bip'],
  ])('%j', (input, output) => expect(plainText(input)).toBe(output));
});
