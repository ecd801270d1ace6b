/**
 * Recurrence rules to check the hub's expansion with: RFC 5545 §3.8.5.3's examples (all in
 * America/New_York, as the RFC writes them) and the rules that used to hang ical.js. Each
 * says how many months after DTSTART to compare, enough to cover it without passing the
 * occurrence caps.
 */
export interface RuleExample {
  name: string;
  /** DTSTART in America/New_York, "YYYYMMDDTHHMMSS". */
  start: string;
  /** RRULE (and EXDATE…) lines. */
  lines: string[];
  months: number;
  /** recurring_ical_events misreads this rule: checked against dateutil alone. */
  dateutilOnly?: boolean;
}

const ex = (name: string, start: string, months: number, ...lines: string[]): RuleExample => ({
  name,
  start,
  lines,
  months,
});

export const RFC_EXAMPLES: RuleExample[] = [
  ex('daily, 10', '19970902T090000', 12, 'RRULE:FREQ=DAILY;COUNT=10'),
  ex('daily until', '19970902T090000', 12, 'RRULE:FREQ=DAILY;UNTIL=19971224T000000Z'),
  ex('every other day', '19970902T090000', 24, 'RRULE:FREQ=DAILY;INTERVAL=2'),
  ex('every 10 days, 5', '19970902T090000', 12, 'RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5'),
  ex(
    'every day in January, yearly',
    '19980101T090000',
    36,
    'RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA',
  ),
  ex(
    'every day in January, daily',
    '19980101T090000',
    36,
    'RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1',
  ),
  ex('weekly, 10', '19970902T090000', 12, 'RRULE:FREQ=WEEKLY;COUNT=10'),
  ex('weekly until', '19970902T090000', 12, 'RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z'),
  ex('every other week', '19970902T090000', 36, 'RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU'),
  ex(
    'Tuesday and Thursday for five weeks (UNTIL)',
    '19970902T090000',
    12,
    'RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH',
  ),
  ex(
    'Tuesday and Thursday for five weeks (COUNT)',
    '19970902T090000',
    12,
    'RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH',
  ),
  ex(
    'every other week on MO, WE, FR until',
    '19970901T090000',
    12,
    'RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR',
  ),
  ex(
    'every other week on TU, TH, 8',
    '19970902T090000',
    12,
    'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH',
  ),
  ex('first Friday, 10', '19970905T090000', 24, 'RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR'),
  ex(
    'first Friday until',
    '19970905T090000',
    12,
    'RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR',
  ),
  ex(
    'every other month, first and last Sunday, 10',
    '19970907T090000',
    24,
    'RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU',
  ),
  ex('second-to-last Monday, 6', '19970922T090000', 12, 'RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO'),
  ex('third-to-last day', '19970928T090000', 36, 'RRULE:FREQ=MONTHLY;BYMONTHDAY=-3'),
  ex('2nd and 15th, 10', '19970902T090000', 12, 'RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15'),
  ex(
    'first and last day, 10',
    '19970930T090000',
    12,
    'RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1',
  ),
  ex(
    'every 18 months, 10th to 15th, 10',
    '19970910T090000',
    48,
    'RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15',
  ),
  ex(
    'every Tuesday, every other month',
    '19970902T090000',
    24,
    'RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU',
  ),
  ex('June and July, 10', '19970610T090000', 72, 'RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7'),
  ex(
    'every other year, January to March, 10',
    '19970310T090000',
    96,
    'RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3',
  ),
  ex(
    'every third year, days 1, 100, 200, 10',
    '19970101T090000',
    144,
    'RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200',
  ),
  {
    ...ex('20th Monday', '19970519T090000', 60, 'RRULE:FREQ=YEARLY;BYDAY=20MO'),
    dateutilOnly: true,
  },
  ex('Monday of week 20', '19970512T090000', 60, 'RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO'),
  ex('every Thursday in March', '19970313T090000', 48, 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH'),
  ex('Thursdays in summer', '19970605T090000', 48, 'RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8'),
  ex(
    'Friday the 13th',
    '19970902T090000',
    60,
    'EXDATE;TZID=America/New_York:19970902T090000',
    'RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13',
  ),
  ex(
    'first Saturday after the first Sunday',
    '19970913T090000',
    24,
    'RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13',
  ),
  ex(
    'US presidential election day',
    '19961105T090000',
    240,
    'RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8',
  ),
  ex(
    'third TU/WE/TH, 3',
    '19970904T090000',
    12,
    'RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3',
  ),
  ex(
    'second-to-last weekday',
    '19970929T090000',
    24,
    'RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2',
  ),
  ex(
    'every 3 hours until',
    '19970902T090000',
    1,
    'RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z',
  ),
  ex('every 15 minutes, 6', '19970902T090000', 1, 'RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6'),
  ex('every 90 minutes, 4', '19970902T090000', 1, 'RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4'),
  ex(
    'every 20 minutes 9:00-16:40, daily',
    '19970902T090000',
    2,
    'RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40',
  ),
  ex(
    'every 20 minutes 9:00-16:40, minutely',
    '19970902T090000',
    2,
    'RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16',
  ),
  ex('WKST=MO', '19970805T090000', 12, 'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO'),
  ex('WKST=SU', '19970805T090000', 12, 'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU'),
  ex('February 30 ignored', '20070115T090000', 12, 'RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5'),
];

/** Rules that made ical.js's RecurIterator.next() loop for ever (issue 14). */
export const HANG_EXAMPLES: RuleExample[] = [
  ex('last two days of each month', '20260105T100000', 14, 'RRULE:FREQ=DAILY;BYMONTHDAY=-1,-2'),
  ex('week 20, weekly', '20260105T100000', 36, 'RRULE:FREQ=WEEKLY;BYWEEKNO=20'),
  ex('Sundays of the last week', '20260105T100000', 60, 'RRULE:FREQ=DAILY;BYWEEKNO=-1;BYDAY=SU'),
  ex('week 1 across the new year', '20261228T100000', 36, 'RRULE:FREQ=DAILY;BYWEEKNO=1'),
  ex('53rd week', '20200105T100000', 96, 'RRULE:FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO'),
  ex('29 February', '20240229T100000', 120, 'RRULE:FREQ=YEARLY'),
  ex('never matches', '20260105T100000', 24, 'RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30'),
  ex(
    'hourly with filtered days',
    '20260105T100000',
    2,
    'RRULE:FREQ=HOURLY;INTERVAL=5;BYMONTH=2;BYHOUR=3,8,13',
  ),
];

/** A one-event calendar for an example. */
export function exampleCalendar(e: RuleExample): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//intercoop//test//FR',
    'BEGIN:VEVENT',
    `UID:${e.name.replace(/[^a-z0-9]+/gi, '-')}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=America/New_York:${e.start}`,
    ...e.lines,
    `SUMMARY:${e.name}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
