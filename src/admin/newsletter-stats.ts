/** Figures for the console's newsletter section: the last runs' ledger, who follows what. */
import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { deliveries, digests, subscribers } from '../db/schema/index.ts';

export interface RunLedger {
  digestId: number;
  at: number;
  status: 'open' | 'done';
  stories: number;
  events: number;
  sent: number;
  /** Temporary failures, retried by the ledger. */
  failed: number;
  /** Permanent failures: the address is no longer mailed. */
  bounced: number;
  /** Not sent yet (pending or being sent). */
  pending: number;
  skipped: number;
}

export async function lastRuns(deps: Deps, limit = 8): Promise<RunLedger[]> {
  const runs = await deps.db.orm.select().from(digests).orderBy(desc(digests.id)).limit(limit);
  if (!runs.length) return [];
  const counts = await deps.db.orm
    .select({ digestId: deliveries.digestId, state: deliveries.state, n: sql<number>`count(*)` })
    .from(deliveries)
    .where(
      inArray(
        deliveries.digestId,
        runs.map((r) => r.id),
      ),
    )
    .groupBy(deliveries.digestId, deliveries.state);
  const of = (id: number, ...states: string[]) =>
    counts
      .filter((c) => c.digestId === id && states.includes(c.state))
      .reduce((a, c) => a + Number(c.n), 0);
  return runs.map((r) => ({
    digestId: r.id,
    at: r.windowEnd,
    status: r.status,
    stories: r.storyCount,
    events: r.eventCount,
    sent: of(r.id, 'sent'),
    failed: of(r.id, 'failed_temp'),
    bounced: of(r.id, 'failed_perm'),
    pending: of(r.id, 'pending', 'sending'),
    skipped: of(r.id, 'skipped'),
  }));
}

export interface FollowCounts {
  active: number;
  /** Active subscribers who chose nothing in a list: they get everything of it. */
  everything: { networks: number; tags: number; territories: number };
  networks: Map<string, number>;
  tags: Map<string, number>;
  territories: Map<string, number>;
}

/** Active subscribers per network, tag and territory chosen (read page by page). */
export async function followCounts(deps: Deps): Promise<FollowCounts> {
  const out: FollowCounts = {
    active: 0,
    everything: { networks: 0, tags: 0, territories: 0 },
    networks: new Map(),
    tags: new Map(),
    territories: new Map(),
  };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let after = 0;
  for (;;) {
    const page = await deps.db.orm
      .select({ id: subscribers.id, choices: subscribers.choices })
      .from(subscribers)
      .where(and(eq(subscribers.status, 'active'), gt(subscribers.id, after)))
      .orderBy(asc(subscribers.id))
      .limit(1000);
    if (!page.length) break;
    for (const s of page) {
      out.active++;
      for (const list of ['networks', 'tags', 'territories'] as const) {
        const chosen = s.choices[list] ?? [];
        if (!chosen.length) out.everything[list]++;
        for (const v of chosen) bump(out[list], v);
      }
    }
    after = page[page.length - 1]!.id;
  }
  return out;
}
