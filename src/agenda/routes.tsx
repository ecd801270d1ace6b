/** Mounts the agenda: /agenda, /agenda.ics, /agenda.json, /events/:id, /events/:id.ics. */
import { Hono } from 'hono';
import { asc } from 'drizzle-orm';
import type { HubContext, HubEnv } from '../http.ts';
import { networks } from '../db/schema/networks.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { pageContext } from '../web/page-context.ts';
import { hubHref } from '../web/links.ts';
import { pageOccurrences, getEvent, type Occurrence } from './query.ts';
import { AgendaQueryError, formatAfter, parseAgendaRequest } from './request.ts';
import { agendaIcs, agendaJson, eventsIcs, windowNotice } from './calendar-feeds.ts';
import { withValidators } from '../publish/conditional.ts';
import { KEPT_PAST_DAYS } from './window.ts';
import { AgendaPage, EventNotFound, EventPage, type NetworkOption } from './pages.tsx';

export const agendaRoutes = new Hono<HubEnv>();

const PAGE_LIMIT = 300;

async function networkOptions(c: HubContext): Promise<NetworkOption[]> {
  return c
    .get('deps')
    .db.orm.select({ slug: networks.slug, name: networks.name, territory: networks.territory })
    .from(networks)
    .orderBy(asc(networks.name));
}

function badRequest(c: HubContext, err: unknown) {
  if (err instanceof AgendaQueryError)
    return c.json({ error: 'bad_request', message: err.message }, 400);
  throw err;
}

agendaRoutes.get('/agenda', async (c) => {
  const ctx = await pageContext(c);
  const url = new URL(c.req.url);
  const nets = await networkOptions(c);
  const common = {
    lang: ctx.lang,
    hubTitle: ctx.hub.title,
    hubTimezone: ctx.hub.timezone,
    baseUrl: ctx.hub.baseUrl,
    path: ctx.path,
    langParam: ctx.langParam,
    networks: nets,
  };
  try {
    const r = parseAgendaRequest(url, ctx.hub.timezone, ctx.deps.clock.now());
    const page = await pageOccurrences(ctx.deps, {
      ...r,
      includeCancelled: true,
      limit: PAGE_LIMIT,
    });
    const next = new URLSearchParams(r.params);
    if (page.next) next.set('after', formatAfter(page.next));
    return c.html(
      <AgendaPage
        {...common}
        params={r.params}
        occurrences={page.occurrences}
        notice={windowNotice(r, ctx.lang)}
        nextHref={page.next ? hubHref('/agenda', ctx.langParam, next) : null}
      />,
    );
  } catch (err) {
    if (!(err instanceof AgendaQueryError)) throw err;
    return c.html(
      <AgendaPage
        {...common}
        params={new URLSearchParams()}
        occurrences={[]}
        error={err.message}
      />,
      400,
    );
  }
});

agendaRoutes.get('/agenda.json', async (c) => {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  try {
    const r = parseAgendaRequest(new URL(c.req.url), hub.timezone, deps.clock.now());
    const { body, lastModified } = await agendaJson(deps, hub, r);
    return withValidators(c.req.raw, body, 'application/json; charset=utf-8', lastModified, {
      'access-control-allow-origin': '*',
    });
  } catch (err) {
    return badRequest(c, err);
  }
});

agendaRoutes.get('/agenda.ics', async (c) => {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  try {
    // Subscribers keep a month of history: the whole kept range by default.
    const r = parseAgendaRequest(
      new URL(c.req.url),
      hub.timezone,
      deps.clock.now(),
      KEPT_PAST_DAYS,
    );
    const { body, lastModified } = await agendaIcs(deps, hub, r, `${hub.title} — agenda`);
    return withValidators(c.req.raw, body, 'text/calendar; charset=utf-8', lastModified, {
      'content-disposition': 'inline; filename="agenda.ics"',
    });
  } catch (err) {
    return badRequest(c, err);
  }
});

agendaRoutes.get('/events/:id', async (c) => {
  const raw = c.req.param('id');
  const ics = raw.endsWith('.ics');
  const id = ics ? raw.slice(0, -4) : raw;
  const ctx = await pageContext(c);
  const found = /^[a-z0-9]{1,64}$/.test(id) ? await getEvent(ctx.deps, id) : null;
  if (!found) {
    if (ics) return c.json({ error: 'not_found', message: `No event ${id}` }, 404);
    return c.html(
      <EventNotFound
        lang={ctx.lang}
        hubTitle={ctx.hub.title}
        path={ctx.path}
        langParam={ctx.langParam}
      />,
      404,
    );
  }
  if (ics) {
    const { body, lastModified } = await eventsIcs(ctx.deps, ctx.hub, [id], found.event.title);
    return withValidators(c.req.raw, body, 'text/calendar; charset=utf-8', lastModified, {
      'content-disposition': `attachment; filename="${id}.ics"`,
    });
  }
  const { event, provenance } = found;
  const now = ctx.deps.clock.now().getTime();
  const upcoming = found.occurrences.filter((o) => (o.end ?? o.start).getTime() >= now);
  const shown = (upcoming.length ? upcoming : found.occurrences.slice(-1)).map(
    (o): Occurrence => ({
      eventId: event.id,
      title: o.title ?? event.title,
      start: o.start,
      end: o.end,
      allDay: event.allDay,
      timezone: event.timezone,
      location: o.location ?? event.location,
      url: event.url,
      description: event.description,
      categories: event.categories,
      status: o.status,
      recurrenceId: null,
      ...provenance,
    }),
  );
  if (!shown.length)
    shown.push({
      eventId: event.id,
      title: event.title,
      start: new Date(event.start),
      end: event.end === null ? null : new Date(event.end),
      allDay: event.allDay,
      timezone: event.timezone,
      location: event.location,
      url: event.url,
      description: event.description,
      categories: event.categories,
      status: event.status,
      recurrenceId: null,
      ...provenance,
    });
  return c.html(
    <EventPage
      lang={ctx.lang}
      hubTitle={ctx.hub.title}
      hubTimezone={ctx.hub.timezone}
      path={ctx.path}
      langParam={ctx.langParam}
      networks={await networkOptions(c)}
      occurrences={shown}
      title={event.title}
      description={event.description}
      rrule={event.rrule}
    />,
  );
});
