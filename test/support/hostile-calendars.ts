/**
 * Calendars a hostile or careless member could publish (issue 14), built on demand: the tests,
 * the fuzz run and bench/hostile-documents.ts read the same ones.
 */
const DAY = 86_400_000;

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';

function calendar(body: string[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//hostile//FR',
    ...body,
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** One daily series with `n` EXDATE lines (100,000 ≈ 2.5 MB). */
export function manyExdates(n = 100_000, from = Date.UTC(2020, 0, 5, 10)): string {
  const lines = ['BEGIN:VEVENT', 'UID:exdates', 'DTSTAMP:20260101T000000Z'];
  lines.push(`DTSTART:${stamp(from)}`, 'RRULE:FREQ=DAILY', 'SUMMARY:Mille exceptions');
  for (let i = 0; i < n; i++) lines.push(`EXDATE:${stamp(from + i * DAY)}`);
  lines.push('END:VEVENT');
  return calendar(lines);
}

/** `n` single events three hours apart from `from` (60,000 ≈ 4.8 MB). */
export function manyEvents(n = 60_000, from = Date.UTC(2026, 0, 1)): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(
      'BEGIN:VEVENT',
      `UID:e${i}`,
      `DTSTART:${stamp(from + i * 3 * 3600_000)}`,
      `SUMMARY:E${i}`,
      'END:VEVENT',
    );
  return calendar(lines);
}

/** The rules that hung ical.js, and a duration that grew its time, one event each. */
export function hangingRules(): string {
  const rules = [
    'RRULE:FREQ=DAILY;BYMONTHDAY=-1,-2',
    'RRULE:FREQ=WEEKLY;BYWEEKNO=20',
    'RRULE:FREQ=DAILY;BYWEEKNO=-1;BYDAY=SU',
    'DURATION:P999999999999999999W',
  ];
  return calendar(
    rules.flatMap((rule, i) => [
      'BEGIN:VEVENT',
      `UID:hang-${i}`,
      'DTSTAMP:20260101T000000Z',
      'DTSTART:20260105T100000Z',
      rule,
      `SUMMARY:Règle ${i}`,
      'END:VEVENT',
    ]),
  );
}
