/**
 * dateText (feed-fields.ts) writes out parseDate's two regular expressions (a leading weekday
 * dropped, a zone name mapped to its offset): the same text as they give, for every shape
 * around their edges, and the same dates.
 */
import { describe, expect, it } from 'vitest';
import { ZONES, dateText, parseDate } from '../../src/ingest/feed-fields.ts';

/** What parseDate did before: the two replacements, zone names as the module maps them. */
function byRegex(raw: string): string {
  return raw
    .replace(/^[^\d,]{2,12},\s*/, '')
    .replace(/\b([A-Z]{1,4})$/, (zone) => ZONES[zone] ?? zone);
}

const weekdays = ['Sat', 'Lun', 'Mardi', 'Mittwoch', 'jeu.', 'Samedi ', 'X', '', 'dimanche___x'];
const between = [',', ', ', ',  ', ',\t', ',\u00a0', ',\u3000 ', ',\n', ' ,', ',,'];
const bodies = ['31 Oct 2026 23:59:00', '2026-10-31T22:59:00', '02 Nov 2026 10:00', '1 janv. 2026'];
const zones = [
  ' GMT',
  ' CET',
  ' CEST',
  ' EDT',
  ' Z',
  'Z',
  ' UT',
  ' ABCDE',
  ' ABCD',
  ' gmt',
  ' Gmt',
  '_GMT',
  '-GMT',
  '1GMT',
  'xGMT',
  ' +0100',
  '+01:00',
  '.000Z',
  ' (CET)',
  ' CET.',
  '',
];

describe('dateText', () => {
  it('gives what the regular expressions gave', () => {
    let cases = 0;
    for (const day of weekdays)
      for (const sep of between)
        for (const body of bodies)
          for (const zone of zones) {
            const raw = `${day}${sep}${body}${zone}`;
            expect(dateText(raw), JSON.stringify(raw)).toBe(byRegex(raw));
            cases++;
          }
    for (const raw of ['1, x', '12345, x', 'abcdefghijkl, x', 'abcdefghijklm, x', 'ab1, x', ',x']) {
      expect(dateText(raw)).toBe(byRegex(raw));
      cases++;
    }
    for (const raw of ['A', 'AB', 'ABCDE', 'CET', ' CET', 'é CET', 'éCET', 'ÉCET']) {
      expect(dateText(raw)).toBe(byRegex(raw));
      cases++;
    }
    expect(cases).toBeGreaterThan(6000);
  });

  it('reads the dates feeds write', () => {
    expect(parseDate('Lun, 02 Nov 2026 10:00:00 CET')?.toISOString()).toBe(
      '2026-11-02T09:00:00.000Z',
    );
    expect(parseDate('Sat, 31 Oct 2026 23:59:00 GMT')?.toISOString()).toBe(
      '2026-10-31T23:59:00.000Z',
    );
    expect(parseDate('Mardi,\u00a003 Nov 2026 10:00:00 EDT')?.toISOString()).toBe(
      '2026-11-03T14:00:00.000Z',
    );
    expect(parseDate('2026-10-31T22:59:00.000Z')?.toISOString()).toBe('2026-10-31T22:59:00.000Z');
    expect(parseDate('pas une date')).toBeNull();
  });
});
