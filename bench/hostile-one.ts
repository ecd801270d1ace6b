/**
 * One calendar read in this process by a hub checkout's own parser (bench/hostile-calendars.ts
 * runs it per document and kills it past its timeout): prints the wall and CPU time of the
 * read alone, CPU being the figure a loaded machine distorts least.
 *   node --import tsx bench/hostile-one.ts HUB_DIR FILE
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [hubDir, file] = process.argv.slice(2) as [string, string];
// The module moved during the hub's history: src/agenda/parse.ts, then parse-calendar.ts.
const path = ['src/agenda/parse-calendar.ts', 'src/agenda/parse.ts']
  .map((p) => join(hubDir, p))
  .find((p) => existsSync(p))!;
const { parseCalendar } = (await import(pathToFileURL(path).href)) as {
  parseCalendar(text: string, o: { now: Date; hubTimezone: string }): { events: unknown[] };
};
const text = readFileSync(file, 'utf8');
const cpu = process.cpuUsage();
const started = performance.now();
const cal = parseCalendar(text, {
  now: new Date('2026-10-01T08:00:00Z'),
  hubTimezone: 'Europe/Paris',
});
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    wallMs: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
    events: cal.events.length,
  }),
);
