/**
 * Stores what another hub's feed says of its networks (see upstream.ts): which upstream
 * networks published each story of this document, and the networks' names. Written in the
 * same batch as the document's items (store-batcher.ts), so both commit together.
 */
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { Statement } from '../db/client.ts';
import { upstreamEntries, upstreamNetworks } from '../db/schema/upstream.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { chunks } from './dedupe/chunk.ts';
import type { Upstream } from './upstream.ts';

/** Rows per insert: 5 values a network row, within D1's 100 bound parameters. */
const NETWORK_ROWS = 20;
/** 3 values a story row. */
const STORY_ROWS = 33;

/** The statements writing what `upstream` says, for the batch that stores its document. */
export function upstreamStatements(
  deps: Deps,
  source: Pick<SourceRow, 'id'>,
  upstream: Upstream,
): Statement[] {
  const orm = deps.db.orm;
  const statements: Statement[] = [];
  const networkRows = upstream.networks.map((n) => ({ sourceId: source.id, ...n }));
  for (const part of chunks(networkRows, NETWORK_ROWS))
    statements.push(
      orm
        .insert(upstreamNetworks)
        .values(part)
        .onConflictDoUpdate({
          target: [upstreamNetworks.sourceId, upstreamNetworks.slug],
          // A name the feed now gives replaces the slug kept from a page that gave none.
          set: {
            name: sql`case when excluded.name = excluded.slug then ${upstreamNetworks.name} else excluded.name end`,
            site: sql`coalesce(excluded.site, ${upstreamNetworks.site})`,
            territory: sql`coalesce(excluded.territory, ${upstreamNetworks.territory})`,
          },
        }),
    );
  const storyRows = [...upstream.stories].map(([guid, networks]) => ({
    sourceId: source.id,
    guid,
    networks,
  }));
  for (const part of chunks(storyRows, STORY_ROWS))
    statements.push(
      orm
        .insert(upstreamEntries)
        .values(part)
        .onConflictDoUpdate({
          target: [upstreamEntries.sourceId, upstreamEntries.guid],
          set: { networks: sql`excluded.networks` },
        }),
    );
  return statements;
}
