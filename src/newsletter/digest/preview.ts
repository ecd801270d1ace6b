/** What a digest run would do, without sending or writing anything (`digest --dry-run`, `--to`). */
import { and, asc, desc, gt } from 'drizzle-orm';
import { digests, subscribers } from '../../db/schema/index.ts';
import { readHubSettings } from '../../db/hub-settings.ts';
import type { Deps, MailMessage } from '../../deps.ts';
import type { DigestChoices } from '../../db/schema/newsletter.ts';
import { allChoices, buildDigest, MAX_STORIES, periodMs, windowStart } from './build.ts';
import { renderDigest, riverUrl } from './render.ts';
import { dueAt } from './send.ts';
import { agendaEvents } from './load-events.ts';
import {
  EVENTS_AHEAD_MS,
  loadNetworks,
  loadStories,
  storySelector,
  type EventsLoader,
} from './load-content.ts';

export interface Preview {
  due: number;
  /** Due subscribers whose digest would not be empty. */
  wouldSend: number;
}

/** Counts due subscribers and non-empty digests, page by page. */
export async function previewRun(
  deps: Deps,
  loadEvents: EventsLoader = agendaEvents,
): Promise<Preview> {
  const now = deps.clock.now().getTime();
  const networks = await loadNetworks(deps);
  const events = await loadEvents(deps, now, now + EVENTS_AHEAD_MS);
  const select = storySelector(deps, now, MAX_STORIES);
  const out: Preview = { due: 0, wouldSend: 0 };
  let cursor = 0;
  for (;;) {
    const page = await deps.db.orm
      .select()
      .from(subscribers)
      .where(and(dueAt(now), gt(subscribers.id, cursor)))
      .orderBy(asc(subscribers.id))
      .limit(500);
    if (!page.length) break;
    for (const s of page) {
      const since = windowStart(s);
      const { stories, total } = await select(since, s.choices);
      out.due++;
      const content = buildDigest({
        stories,
        storyTotal: total,
        events,
        networks,
        choices: s.choices,
        since,
      });
      if (content) out.wouldSend++;
    }
    cursor = page[page.length - 1]!.id;
  }
  return out;
}

/**
 * The edition as someone with these choices (following everything by default) would get it
 * now (stories since the last digest), addressed to `to`, with no personal links: for checking
 * how a digest looks (`digest --to`, the console's preview and test message).
 */
export async function previewMessage(
  deps: Deps,
  to: string,
  loadEvents: EventsLoader = agendaEvents,
  choices: DigestChoices = allChoices,
): Promise<MailMessage | null> {
  const now = deps.clock.now().getTime();
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const [prev] = await deps.db.orm
    .select({ windowEnd: digests.windowEnd })
    .from(digests)
    .orderBy(desc(digests.id))
    .limit(1);
  const networks = await loadNetworks(deps);
  const since = prev?.windowEnd ?? now - periodMs('weekly');
  const { stories, total } = await loadStories(deps, since, now, choices, MAX_STORIES);
  const content = buildDigest({
    stories,
    storyTotal: total,
    events: await loadEvents(deps, now, now + EVENTS_AHEAD_MS),
    networks,
    choices,
  });
  if (!content) return null;
  const r = renderDigest(
    content,
    {
      lang: hub.language,
      hubTitle: hub.title,
      baseUrl: hub.baseUrl,
      timezone: hub.timezone,
      date: now,
      moreUrl: riverUrl(hub.baseUrl, choices),
    },
    (s) => networks.get(s)?.name ?? s,
  );
  return {
    to,
    subject: `[${hub.language === 'fr' ? 'Aperçu' : 'Preview'}] ${r.subject}`,
    html: r.html,
    text: r.text,
    headers: {},
  };
}
