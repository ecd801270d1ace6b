/**
 * The console's newsletter:
 * - GET  /admin/newsletter                  choices to preview or test, the last runs, the audience
 * - GET  /admin/newsletter/preview?network=…&tag=…&territory=…   the edition's HTML as sent
 * - POST /admin/newsletter/test             the same edition to one address (in the demo: its mailbox)
 * - GET  /admin/newsletter/subscribers.csv  every subscriber (the admin API's CSV)
 */
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import type { DigestChoices } from '../db/schema/newsletter.ts';
import { previewMessage } from '../newsletter/digest/preview.ts';
import { agendaEvents } from '../newsletter/digest/load-events.ts';
import { checkEmail } from '../newsletter/subscription/lifecycle.ts';
import { subscribersCsv } from '../newsletter/admin-subscribers.ts';
import { choiceOptions } from '../newsletter/choice-options.ts';
import { adminContext, postedForm, field, type AdminContext } from './context.ts';
import { lt, NewsletterPage, type Options } from './newsletter-page.tsx';
import { followCounts, lastRuns } from './newsletter-stats.ts';

export const newsletterConsoleRoutes = new Hono<HubEnv>();

/** Choices from repeated values, kept only when they name something that exists. */
function choicesFrom(get: (name: string) => string[], opts: Options): DigestChoices {
  const keep = (name: string, allowed: string[]) =>
    [...new Set(get(name))].filter((v) => allowed.includes(v));
  return {
    networks: keep(
      'network',
      opts.networks.map((n) => n.slug),
    ),
    tags: keep('tag', opts.tags),
    territories: keep('territory', opts.territories),
  };
}

async function page(c: HubContext, x: AdminContext, notice?: { tone: 'ok' | 'bad'; text: string }) {
  return (
    <NewsletterPage
      x={x}
      options={await choiceOptions(c.get('deps').db)}
      runs={await lastRuns(x.deps)}
      counts={await followCounts(x.deps)}
      notice={notice}
    />
  );
}

newsletterConsoleRoutes.get('/admin/newsletter', async (c) => {
  const x = await adminContext(c);
  return c.html(await page(c, x));
});

newsletterConsoleRoutes.get('/admin/newsletter/preview', async (c) => {
  const x = await adminContext(c);
  const choices = choicesFrom((n) => c.req.queries(n) ?? [], await choiceOptions(c.get('deps').db));
  const message = await previewMessage(x.deps, 'apercu@hub', agendaEvents, choices);
  if (!message) return c.html(await page(c, x, { tone: 'bad', text: lt(x.lang).empty }), 404);
  return c.html(message.html);
});

newsletterConsoleRoutes.post('/admin/newsletter/test', async (c) => {
  const x = await adminContext(c);
  const m = lt(x.lang);
  const form = postedForm(c);
  const checked = checkEmail(field(form, 'to'));
  if (!('email' in checked))
    return c.html(await page(c, x, { tone: 'bad', text: m.badEmail }), 400);
  if (!x.deps.mailer) return c.html(await page(c, x, { tone: 'bad', text: m.noMailer }), 503);
  const choices = choicesFrom(
    (n) => form.getAll(n).map(String),
    await choiceOptions(c.get('deps').db),
  );
  const message = await previewMessage(x.deps, checked.email, agendaEvents, choices);
  if (!message) return c.html(await page(c, x, { tone: 'bad', text: m.empty }), 404);
  const sent = await x.deps.mailer.send(message);
  if (!sent.ok) return c.html(await page(c, x, { tone: 'bad', text: m.failed(sent.error) }), 502);
  return c.html(await page(c, x, { tone: 'ok', text: m.sent(checked.email) }));
});

newsletterConsoleRoutes.get('/admin/newsletter/subscribers.csv', async (c) => {
  await adminContext(c);
  return c.body(await subscribersCsv(c.get('deps').db), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="subscribers.csv"',
    'Cache-Control': 'no-store',
  });
});
