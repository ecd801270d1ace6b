/**
 * iCalendar agendas of the simulated federation, with dates relative to "now" so the demo
 * always shows upcoming events: a weekly recurring meeting (RRULE, Europe/Paris VTIMEZONE),
 * an all-day forum, a conference, and an overseas event (Indian/Reunion, UTC+4).
 */
export type AgendaKind = 'weekly' | 'forum' | 'overseas' | 'conference';

const PARIS_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const REUNION_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Indian/Reunion',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0400',
  'TZOFFSETTO:+0400',
  'TZNAME:+04',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** YYYYMMDD of the local calendar day `days` after `now` in `timeZone`. */
export function localDay(now: Date, days: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now.getTime() + days * 86_400_000));
  return parts.replace(/-/g, '');
}

/** Days from `now` to the next given weekday (0 = Sunday) in Paris, at least 1. */
function daysUntil(now: Date, weekday: number): number {
  const short = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Paris',
    weekday: 'short',
  }).format(now);
  const today = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(short);
  return (weekday - today + 7) % 7 || 7;
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Folds a content line at 75 octets as RFC 5545 asks (UTF-8 safe: never splits a character). */
function fold(line: string): string {
  const bytes = new TextEncoder();
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (bytes.encode(current + ch).length > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  out.push(current);
  return out.join('\r\n ');
}

function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

interface EventSpec {
  uid: string;
  summary: string;
  description: string;
  location: string;
  url: string;
  lines: string[];
}

/** The agenda of one network as an .ics document (CRLF line endings). */
export function renderAgenda(
  kind: AgendaKind,
  networkName: string,
  siteUrl: string,
  domain: string,
  now: Date,
): string {
  const events: EventSpec[] = [];
  const timezones: string[][] = [];
  if (kind === 'weekly') {
    timezones.push(PARIS_VTIMEZONE);
    const first = localDay(now, daysUntil(now, 2), 'Europe/Paris');
    events.push({
      uid: `permanence-cooperative@${domain}`,
      summary: 'Permanence coopérative en ligne',
      description:
        'Chaque mardi, une heure pour poser vos questions sur l’animation de projets ' +
        'coopératifs.\nLien de visio envoyé à l’inscription.',
      location: 'En ligne',
      url: `${siteUrl}agenda/permanence`,
      lines: [
        `DTSTART;TZID=Europe/Paris:${first}T140000`,
        `DTEND;TZID=Europe/Paris:${first}T150000`,
        'RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=12',
      ],
    });
  }
  if (kind === 'forum') {
    const day = localDay(now, 10, 'Europe/Paris');
    const next = localDay(now, 11, 'Europe/Paris');
    events.push({
      uid: `forum-ess-nantes@${domain}`,
      summary: 'Forum régional de l’ESS',
      description:
        'Tables rondes, ateliers et rencontres entre structures de l’économie sociale et ' +
        'solidaire.',
      location: 'Cité des congrès, 5 rue de Valmy, 44000 Nantes',
      url: `${siteUrl}forum-ess-nantes`,
      lines: [`DTSTART;VALUE=DATE:${day}`, `DTEND;VALUE=DATE:${next}`],
    });
  }
  if (kind === 'conference') {
    timezones.push(PARIS_VTIMEZONE);
    const day = localDay(now, 17, 'Europe/Paris');
    events.push({
      uid: `rencontres-mednum@${domain}`,
      summary: 'Rencontres régionales de la médiation numérique',
      description:
        'Une journée pour les conseillers numériques, les élus et les associations : retours ' +
        'd’expérience et ateliers.',
      location: 'Hôtel de Région, 22 boulevard du Maréchal-Juin, 31400 Toulouse',
      url: `${siteUrl}rencontres`,
      lines: [`DTSTART;TZID=Europe/Paris:${day}T093000`, `DTEND;TZID=Europe/Paris:${day}T170000`],
    });
  }
  if (kind === 'overseas') {
    timezones.push(REUNION_VTIMEZONE);
    const day = localDay(now, 5, 'Indian/Reunion');
    events.push({
      uid: `bus-numerique-cilaos@${domain}`,
      summary: 'Bus numérique : étape à Cilaos',
      description: 'Accompagnement aux démarches en ligne, sans rendez-vous.',
      location: 'Place de l’église, Cilaos, La Réunion',
      url: `${siteUrl}bus-numerique`,
      lines: [
        `DTSTART;TZID=Indian/Reunion:${day}T090000`,
        `DTEND;TZID=Indian/Reunion:${day}T160000`,
      ],
    });
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//Intercoop demo//${networkName}//FR`,
    'CALSCALE:GREGORIAN',
    `X-WR-CALNAME:${escapeText(`Agenda — ${networkName}`)}`,
    ...timezones.flat(),
    ...events.flatMap((e) => [
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${stamp(now)}`,
      ...e.lines,
      `SUMMARY:${escapeText(e.summary)}`,
      `DESCRIPTION:${escapeText(e.description)}`,
      `LOCATION:${escapeText(e.location)}`,
      `URL:${e.url}`,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
