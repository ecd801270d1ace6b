/**
 * isValidTimeZone answers from the runtime's list of zones before it builds a formatter (issue
 * 19: the formatter loads ~6 MB of ICU data in every pull). Shared by Node and workerd: the
 * verdict must be the formatter's for every shape a coordinator may write.
 */
import { expect, it } from 'vitest';
import { isValidTimeZone } from '../../src/federation/networks-file.ts';

function formatterAccepts(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const SHAPES = [
  'Europe/Paris',
  'America/Argentina/Buenos_Aires',
  'Asia/Calcutta',
  'Asia/Kolkata', // the IANA name, which ICU's list (CLDR's names) leaves out
  'America/Buenos_Aires',
  'UTC',
  'Etc/UTC',
  'Etc/GMT+1',
  'GMT',
  'europe/paris', // another spelling of a listed zone
  'EUROPE/PARIS',
  'US/Eastern',
  'Mars/Olympus_Mons',
  'Europe/Paris ',
  '',
  '+01:00',
  'Europe/',
];

export function timeZoneCheckScenarios(): void {
  it('gives the formatter’s verdict for listed zones, aliases, other spellings and bad names', () => {
    for (const tz of SHAPES) expect([tz, isValidTimeZone(tz)]).toEqual([tz, formatterAccepts(tz)]);
    for (const tz of Intl.supportedValuesOf('timeZone')) expect(isValidTimeZone(tz)).toBe(true);
  });

  it('builds no formatter for a zone the runtime lists', () => {
    const real = Intl.DateTimeFormat;
    let built = 0;
    Intl.DateTimeFormat = new Proxy(real, {
      construct(target, args, newTarget) {
        built++;
        return Reflect.construct(target, args, newTarget);
      },
    });
    try {
      expect(isValidTimeZone('Europe/Paris')).toBe(true);
      for (const tz of Intl.supportedValuesOf('timeZone')) expect(isValidTimeZone(tz)).toBe(true);
      expect(built).toBe(0);
      // Outside the list the formatter still decides.
      expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
      expect(built).toBe(1);
    } finally {
      Intl.DateTimeFormat = real;
    }
  });
}
