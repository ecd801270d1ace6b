/**
 * bench:agenda: cost of reading and storing a large calendar (2,000 events, 200 of them weekly
 * series in Europe/Paris), of an unchanged re-pull, and of rendering /agenda.ics and /agenda.json.
 * Node, real SQLite file. Prints figures; not part of `npm test`.
 */
import { makeNodeDeps } from '../test/support/node-deps.ts';
import { addSource, manualClock } from '../test/support/store-fixtures.ts';
import { parseCalendar } from '../src/agenda/parse-calendar.ts';
import { storeCalendar } from '../src/agenda/store-calendar.ts';
import { createApp } from '../src/app.ts';

const EVENTS = 2000;
const SERIES = 200;
const pad = (n: number) => String(n).padStart(2, '0');

function calendar(): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//bench//FR',
    'X-WR-TIMEZONE:Europe/Paris',
  ];
  for (let i = 0; i < EVENTS; i++) {
    const day = 1 + (i % 28);
    const month = 1 + (Math.floor(i / 28) % 12);
    lines.push(
      'BEGIN:VEVENT',
      `UID:bench-${i}@bench`,
      'DTSTAMP:20260901T000000Z',
      `DTSTART;TZID=Europe/Paris:2027${pad(month)}${pad(day)}T${pad(8 + (i % 10))}3000`,
      `DTEND;TZID=Europe/Paris:2027${pad(month)}${pad(day)}T${pad(9 + (i % 10))}3000`,
    );
    if (i < SERIES) lines.push('RRULE:FREQ=WEEKLY;BYDAY=TH');
    lines.push(
      `SUMMARY:Atelier coopératif numéro ${i} — gouvernance partagée`,
      `LOCATION:Salle ${i % 40}\\, Maison des coopératives`,
      `DESCRIPTION:${'Une description assez longue pour peser. '.repeat(5)}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n');
}

async function main() {
  const text = calendar();
  const now = '2026-10-01T00:00:00Z';
  let t = performance.now();
  const parsed = parseCalendar(text, { now: new Date(now), hubTimezone: 'Europe/Paris' });
  const parseMs = performance.now() - t;
  const occurrences = parsed.events.reduce((n, e) => n + e.occurrences.length, 0);
  const deps = Object.assign(makeNodeDeps(), { clock: manualClock(now) });
  const source = await addSource(deps, 'bench', 'https://bench.example/agenda.ics');
  t = performance.now();
  const first = await storeCalendar(deps, source, text);
  const storeMs = performance.now() - t;
  t = performance.now();
  const again = await storeCalendar(
    deps,
    source,
    text.replace(/DTSTAMP:\S+/g, 'DTSTAMP:20261001T000000Z'),
  );
  const repullMs = performance.now() - t;
  const app = createApp(deps);
  t = performance.now();
  const ics = await (await app.request('/agenda.ics?from=2026-10-01&to=2027-12-31')).text();
  const icsMs = performance.now() - t;
  t = performance.now();
  const json = await (await app.request('/agenda.json?from=2026-10-01&to=2027-12-31')).text();
  const jsonMs = performance.now() - t;
  console.log(
    `calendar: ${(text.length / 1e6).toFixed(2)} MB, ${EVENTS} events (${SERIES} weekly series), ${occurrences} occurrences in the window`,
  );
  console.log(`parse + expand: ${parseMs.toFixed(0)} ms`);
  console.log(`first store: ${storeMs.toFixed(0)} ms ${JSON.stringify(first)}`);
  console.log(
    `unchanged re-pull (DTSTAMP only): ${repullMs.toFixed(0)} ms ${JSON.stringify(again)}`,
  );
  console.log(`/agenda.ics: ${icsMs.toFixed(0)} ms, ${(ics.length / 1e6).toFixed(2)} MB`);
  console.log(
    `/agenda.json (2,000 occurrences max): ${jsonMs.toFixed(0)} ms, ${(json.length / 1e6).toFixed(2)} MB`,
  );
  console.log(`peak RSS: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  await deps.close();
}

void main();
