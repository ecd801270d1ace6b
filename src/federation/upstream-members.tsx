/**
 * A member network that is itself a hub (hubs of hubs): the networks its feed names, shown on
 * its page with a link to their stories here.
 */
import { asc, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { upstreamNetworks } from '../db/schema/upstream.ts';
import { publicUrl } from '../public-url.ts';
import { defineMessages, type Lang } from '../web/i18n.ts';
import { hubHref } from '../web/links.ts';

export interface UpstreamMember {
  slug: string;
  name: string;
  site: string | null;
  territory: string | null;
}

/** The networks named by the feeds of `sourceIds`, by name, each once. */
export async function upstreamMembers(deps: Deps, sourceIds: number[]): Promise<UpstreamMember[]> {
  if (!sourceIds.length) return [];
  const rows = await deps.db.orm
    .select({
      slug: upstreamNetworks.slug,
      name: upstreamNetworks.name,
      site: upstreamNetworks.site,
      territory: upstreamNetworks.territory,
    })
    .from(upstreamNetworks)
    .where(inArray(upstreamNetworks.sourceId, sourceIds.slice(0, 90)))
    .orderBy(asc(upstreamNetworks.name));
  const bySlug = new Map<string, UpstreamMember>();
  for (const r of rows)
    if (!bySlug.has(r.slug)) bySlug.set(r.slug, { ...r, site: publicUrl(r.site) });
  return [...bySlug.values()];
}

const t = defineMessages({
  fr: {
    title: 'Réseaux de ce hub',
    intro: (n: number) =>
      `Ce membre est lui-même un hub : ses actualités viennent de ${n} réseau${n > 1 ? 'x' : ''}.`,
    stories: 'ses actualités',
  },
  en: {
    title: 'Networks of this hub',
    intro: (n: number) =>
      `This member is a hub itself: its stories come from ${n} network${n > 1 ? 's' : ''}.`,
    stories: 'its stories',
  },
});

export function UpstreamMembers(p: { members: UpstreamMember[]; lang: Lang; langParam: string }) {
  if (!p.members.length) return null;
  const m = t(p.lang);
  return (
    <section aria-labelledby="upstream-members">
      <h2 id="upstream-members">{m.title}</h2>
      <p>{m.intro(p.members.length)}</p>
      <ul class="sources">
        {p.members.map((n) => (
          <li>
            {n.site ? <a href={n.site}>{n.name}</a> : n.name}
            {n.territory ? <span class="muted"> · {n.territory}</span> : null} ·{' '}
            <a href={hubHref('/', p.langParam, new URLSearchParams({ network: n.slug }))}>
              {m.stories}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
