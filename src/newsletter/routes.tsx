/**
 * /newsletter routes: subscription (double opt-in), confirmation, preferences and
 * unsubscribe by signed link (POST = RFC 8058 one-click), public archive and its RSS.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { MessagePage } from '../web/message-page.tsx';
import { Hono, type Context } from 'hono';
import { readRequestCapped } from '../shared/read-capped.ts';
import { and, desc, eq, gt, or } from 'drizzle-orm';
import type { HubEnv } from '../http.ts';
import { pickLang, type Lang } from '../web/i18n.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { digests, networks } from '../db/schema/index.ts';
import type { DigestChoices } from '../db/schema/newsletter.ts';
import type { DigestContent } from './digest/build.ts';
import {
  confirmSubscription,
  requestSubscription,
  subscriberByToken,
  unsubscribe,
  updatePreferences,
  type Frequency,
} from './subscription/lifecycle.ts';
import {
  ArchivePage,
  IssuePage,
  PreferencesPage,
  SubscribePage,
  UnsubscribePage,
  t,
  type Options,
} from './pages.tsx';
import { archiveRss } from './digest/archive-rss.ts';
import { choiceOptions } from './choice-options.ts';
import { serveDocument } from '../publish/conditional.ts';

export const newsletterRoutes = new Hono<HubEnv>();

/**
 * A form here is a few hundred bytes (a few KB with every network ticked). Anything bigger is
 * refused before it is read: an unbounded body would be buffered whole in memory.
 */
export const MAX_FORM_BYTES = 64 * 1024;

newsletterRoutes.use('/newsletter/*', async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const body = await readRequestCapped(c.req.raw, MAX_FORM_BYTES);
  if (body === null) {
    const x = await context(c);
    const [title, text] =
      x.lang === 'en'
        ? [
            'Form too large',
            `The form sent is larger than ${MAX_FORM_BYTES / 1024} KB: it was not read.`,
          ]
        : [
            'Formulaire trop volumineux',
            `Le formulaire envoyé dépasse ${MAX_FORM_BYTES / 1024} Ko : il n’a pas été lu.`,
          ];
    return c.html(
      <MessagePage
        {...x.page}
        title={title}
        text={text}
        status="bad"
        link={{ href: '/newsletter', label: t(x.lang).title }}
      />,
      413,
    );
  }
  // The handlers read the form from the bytes already counted.
  c.req.raw = new Request(c.req.raw.url, {
    method: 'POST',
    headers: c.req.raw.headers,
    body: body as Uint8Array<ArrayBuffer>,
  });
  await next();
});

async function context(c: Context<HubEnv>) {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const lang = pickLang(c, hub.language);
  const url = new URL(c.req.url);
  const explicit = url.searchParams.get('lang');
  const langParam = explicit === 'fr' || explicit === 'en' ? `lang=${explicit}` : '';
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer'); // tokens are in these URLs
  return {
    deps,
    hub,
    lang,
    path: url.pathname + url.search,
    page: { lang, hubTitle: hub.title, path: url.pathname + url.search, langParam },
  };
}

/** Choices from a posted form, kept only when they name something that exists. */
function readChoices(
  form: FormData,
  opts: Options,
): { choices: DigestChoices; frequency: Frequency; lang: Lang | null } {
  const pick = (name: string, allowed: Set<string>) =>
    [...new Set(form.getAll(name).map(String))].filter((v) => allowed.has(v)).slice(0, 200);
  const frequency = form.get('frequency') === 'daily' ? 'daily' : 'weekly';
  const l = form.get('lang');
  return {
    choices: {
      networks: pick('network', new Set(opts.networks.map((n) => n.slug))),
      tags: pick('tag', new Set(opts.tags)),
      territories: pick('territory', new Set(opts.territories)),
    },
    frequency,
    lang: l === 'fr' || l === 'en' ? l : null,
  };
}

async function formData(c: Context<HubEnv>): Promise<FormData> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data'))
    return new FormData();
  try {
    return await c.req.formData();
  } catch {
    return new FormData();
  }
}

newsletterRoutes.get('/newsletter', async (c) => {
  const x = await context(c);
  return c.html(<SubscribePage {...x.page} options={await choiceOptions(c.get('deps').db)} />);
});

newsletterRoutes.post('/newsletter/subscribe', async (c) => {
  const x = await context(c);
  const form = await formData(c);
  const m = t(x.lang);
  // In the demo the message waits in its mailbox: say where.
  const mailbox = x.deps.mailbox
    ? {
        href: '/demo/mailbox',
        label:
          x.lang === 'en' ? 'Open the demo’s mailbox' : 'Ouvrir la boîte aux lettres de la démo',
      }
    : undefined;
  const done = () =>
    c.html(
      <MessagePage
        {...x.page}
        title={m.checkMail}
        text={m.checkMailText}
        status="ok"
        link={mailbox}
      />,
    );
  // A filled honeypot gets the same answer as a person, and nothing happens.
  if (String(form.get('website') ?? '').trim()) return done();
  const opts = await choiceOptions(c.get('deps').db);
  const { choices, frequency, lang } = readChoices(form, opts);
  const outcome = await requestSubscription(x.deps, {
    email: String(form.get('email') ?? ''),
    choices,
    frequency,
    lang: lang ?? x.lang,
    // The runtime says which address to trust (deps.clientAddress): never a header on Node.
    ip: x.deps.clientAddress(c.req.raw, c.env),
  });
  if (outcome.ok) return done();
  const [status, error] =
    outcome.reason === 'invalid_email'
      ? ([400, m.invalidEmail(outcome.problem)] as const)
      : outcome.reason === 'rate_limited'
        ? ([429, m.rateLimited] as const)
        : ([503, m.mailUnavailable] as const);
  if (status === 429) c.header('Retry-After', '3600');
  // The form again with everything typed, so fixing a typo does not mean starting over.
  const values = {
    email: String(form.get('email') ?? '').slice(0, 320),
    choices,
    frequency,
    mailLang: lang ?? x.lang,
  };
  return c.html(<SubscribePage {...x.page} options={opts} error={error} values={values} />, status);
});

newsletterRoutes.get('/newsletter/confirm/:token', async (c) => {
  const x = await context(c);
  const m = t(x.lang);
  const r = await confirmSubscription(x.deps, c.req.param('token'));
  if (!r.ok)
    return answer(
      c,
      x,
      { title: m.badConfirm, text: m.badConfirmText, status: 'bad' },
      r.reason === 'expired' ? 410 : 404,
    );
  return answer(c, x, { title: m.confirmed, text: m.confirmedText, status: 'ok', token: r.token });
});

/** What every newsletter route starts from. */
type NewsletterContext = Awaited<ReturnType<typeof context>>;

/**
 * A token route's one-message answer: with the subscriber's token it leads to their
 * preferences, without it back to the subscription page.
 */
function answer(
  c: Context<HubEnv>,
  x: NewsletterContext,
  o: { title: string; text: string; status?: 'ok' | 'bad'; token?: string },
  code: ContentfulStatusCode = 200,
) {
  const m = t(x.lang);
  const link = o.token
    ? { href: `/newsletter/preferences/${o.token}`, label: m.managePrefs }
    : { href: '/newsletter', label: m.title };
  return c.html(
    <MessagePage {...x.page} title={o.title} text={o.text} status={o.status} link={link} />,
    code,
  );
}

function badLink(c: Context<HubEnv>, x: NewsletterContext) {
  const m = t(x.lang);
  return answer(c, x, { title: m.badLink, text: m.badLinkText, status: 'bad' }, 404);
}

newsletterRoutes.get('/newsletter/unsubscribe/:token', async (c) => {
  const x = await context(c);
  const s = await subscriberByToken(x.deps, c.req.param('token'));
  if (!s) return badLink(c, x);
  if (s.status === 'unsubscribed') {
    const m = t(x.lang);
    const token = c.req.param('token');
    return answer(c, x, { title: m.unsubscribed, text: m.unsubscribedText, token });
  }
  return c.html(<UnsubscribePage {...x.page} token={c.req.param('token')} />);
});

// RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here; the page's button posts here too.
newsletterRoutes.post('/newsletter/unsubscribe/:token', async (c) => {
  const x = await context(c);
  const s = await subscriberByToken(x.deps, c.req.param('token'));
  if (!s) return badLink(c, x);
  await unsubscribe(x.deps, s);
  const m = t(x.lang);
  const token = c.req.param('token');
  return answer(c, x, { title: m.unsubscribed, text: m.unsubscribedText, status: 'ok', token });
});

newsletterRoutes.get('/newsletter/preferences/:token', async (c) => {
  const x = await context(c);
  const s = await subscriberByToken(x.deps, c.req.param('token'));
  if (!s) return badLink(c, x);
  return c.html(
    <PreferencesPage
      {...x.page}
      token={c.req.param('token')}
      options={await choiceOptions(c.get('deps').db)}
      choices={s.choices}
      frequency={s.frequency}
      mailLang={s.lang}
      status={s.status}
    />,
  );
});

newsletterRoutes.post('/newsletter/preferences/:token', async (c) => {
  const x = await context(c);
  const s = await subscriberByToken(x.deps, c.req.param('token'));
  if (!s) return badLink(c, x);
  const opts = await choiceOptions(c.get('deps').db);
  const r = readChoices(await formData(c), opts);
  const prefs = { choices: r.choices, frequency: r.frequency, lang: r.lang ?? s.lang };
  await updatePreferences(x.deps, s, prefs);
  const status = s.status === 'bounced' ? 'bounced' : 'active';
  return c.html(
    <PreferencesPage
      {...x.page}
      token={c.req.param('token')}
      options={opts}
      choices={prefs.choices}
      frequency={prefs.frequency}
      mailLang={prefs.lang}
      status={status}
      saved
    />,
  );
});

/** Digests worth publishing: with something in them. */
const published = or(gt(digests.storyCount, 0), gt(digests.eventCount, 0));

newsletterRoutes.get('/newsletter/archive', async (c) => {
  const x = await context(c);
  const rows = await x.deps.db.orm
    .select({
      id: digests.id,
      date: digests.windowEnd,
      storyCount: digests.storyCount,
      eventCount: digests.eventCount,
    })
    .from(digests)
    .where(published)
    .orderBy(desc(digests.id))
    .limit(200);
  c.header('Cache-Control', 'public, max-age=300');
  return c.html(<ArchivePage {...x.page} timezone={x.hub.timezone} issues={rows} />);
});

newsletterRoutes.get('/newsletter/archive.xml', async (c) => {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const rows = await deps.db.orm
    .select()
    .from(digests)
    .where(published)
    .orderBy(desc(digests.id))
    .limit(30);
  const names = await networkNames(c);
  return serveDocument(
    c.req.raw,
    archiveRss(hub, rows, names),
    'application/rss+xml; charset=utf-8',
    rows[0]?.windowEnd ?? 0,
  );
});

newsletterRoutes.get('/newsletter/archive/:id', async (c) => {
  const x = await context(c);
  const raw = c.req.param('id');
  const m = t(x.lang);
  const [row] = /^\d{1,15}$/.test(raw)
    ? await x.deps.db.orm
        .select()
        .from(digests)
        .where(and(eq(digests.id, Number(raw)), published))
    : [];
  if (!row?.edition)
    return c.html(
      <MessagePage
        {...x.page}
        title={m.notFound}
        text={m.archiveEmpty}
        link={{ href: '/newsletter/archive', label: m.archive }}
        status="bad"
      />,
      404,
    );
  const names = await networkNames(c);
  c.header('Cache-Control', 'public, max-age=300');
  return c.html(
    <IssuePage
      {...x.page}
      timezone={x.hub.timezone}
      date={row.windowEnd}
      content={row.edition as DigestContent}
      networkName={(s) => names.get(s) ?? s}
    />,
  );
});

async function networkNames(c: Context<HubEnv>): Promise<Map<string, string>> {
  const rows = await c
    .get('deps')
    .db.orm.select({ slug: networks.slug, name: networks.name })
    .from(networks);
  return new Map(rows.map((r) => [r.slug, r.name]));
}
