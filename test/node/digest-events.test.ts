import { afterAll, describe, expect, it } from 'vitest';
import { sources, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { addNetwork } from '../support/newsletter-fixtures.ts';

/** iCalendar local date-time (floating form) of an instant shifted by `days`, at `hour` UTC. */
const ical = (days: number, hour: number) =>
  new Date(
    Date.UTC(
      new Date().getUTCFullYear(),
      new Date().getUTCMonth(),
      new Date().getUTCDate() + days,
      hour,
    ),
  )
    .toISOString()
    .replace(/[-:]/g, '')
    .slice(0, 15) + 'Z';
const icalDate = (days: number) => ical(days, 12).slice(0, 8);

describe('digest with upcoming events from the agenda (real SQLite, real SMTP)', () => {
  const deps = makeNodeDeps({ HUB_SECRET: 's' });
  afterAll(() => deps.close());

  it('lists the coming weeks’ events of followed networks, times in the hub zone; events alone make a digest', async () => {
    const sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    try {
      await writeHubSettings(deps.db, {
        title: 'Intercoop',
        baseUrl: 'https://hub.test',
        language: 'fr',
        timezone: 'Europe/Paris',
      });
      await addNetwork(deps, 'animacoop', 'Animacoop', 'Occitanie', []);
      await addNetwork(deps, 'autre', 'Autre réseau', 'Bretagne', []);
      const now = Date.now();
      const addCal = async (slug: string) =>
        (
          await deps.db.orm
            .insert(sources)
            .values({
              networkSlug: slug,
              kind: 'calendar',
              url: `https://${slug}.example/agenda.ics`,
              fetchUrl: `https://${slug}.example/agenda.ics`,
              createdAt: now,
            })
            .returning()
        )[0]!;
      const cal = (events: string) =>
        `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\n${events}END:VCALENDAR\r\n`;
      const ev = (uid: string, title: string, start: string, extra = '') =>
        `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:${ical(0, 0)}\r\nSUMMARY:${title}\r\n${start}\r\n${extra}END:VEVENT\r\n`;
      await storeCalendar(
        deps,
        await addCal('animacoop'),
        cal(
          ev(
            'e1',
            'Atelier coopératif',
            `DTSTART:${ical(2, 17)}\r\nDTEND:${ical(2, 19)}`,
            'LOCATION:Toulouse\r\n',
          ) +
            ev('e2', 'Journée portes ouvertes', `DTSTART;VALUE=DATE:${icalDate(5)}`) +
            ev('e3', 'Annulé', `DTSTART:${ical(3, 9)}`, 'STATUS:CANCELLED\r\n') +
            ev('e4', 'Trop loin', `DTSTART:${ical(60, 9)}`),
        ),
      );
      await storeCalendar(
        deps,
        await addCal('autre'),
        cal(ev('o1', 'Ailleurs', `DTSTART:${ical(4, 9)}`)),
      );
      await deps.db.orm.insert(subscribers).values({
        email: 'ev@example.org',
        choices: { networks: ['animacoop'], tags: [], territories: [] },
        tokenSalt: 'x',
        confirmedAt: now - 60_000,
        updatedAt: now,
      });

      const s = await runDigests(deps);
      expect(s.sent).toBe(1); // no story at all: the events make the digest
      const text = sink.received[0]!.mail.text!;
      expect(text).toContain('Agenda des prochaines semaines');
      const atelier = new Intl.DateTimeFormat('fr-FR', {
        dateStyle: 'full',
        timeStyle: 'short',
        timeZone: 'Europe/Paris',
      }).format(
        Date.parse(
          ical(2, 17).replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'),
        ),
      );
      expect(text).toContain(`* Atelier coopératif\n  ${atelier}\n  Toulouse · Animacoop`);
      expect(text).toMatch(/\* Journée portes ouvertes\n {2}.+\(toute la journée\)/);
      expect(text.indexOf('Atelier coopératif')).toBeLessThan(
        text.indexOf('Journée portes ouvertes'),
      );
      expect(text).not.toContain('Annulé');
      expect(text).not.toContain('Trop loin');
      expect(text).not.toContain('Ailleurs'); // not a followed network
      expect(text).toMatch(/https:\/\/hub\.test\/events\/\S+/); // events without a URL link to the hub's page
    } finally {
      await deps.mailer?.close?.();
      await sink.close();
    }
  });
});
