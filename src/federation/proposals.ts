/**
 * Member networks proposing themselves (/networks/propose) until a coordinator approves (the
 * proposal becomes a network, through the same edit path as the console) or declines it.
 */
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { networkProposals, type NetworkProposalRow } from '../db/schema/index.ts';
import { discoverSources } from '../ingest/discover-sources.ts';
import { IngestError } from '../ingest/types.ts';
import { addNetwork } from './edit.ts';
import type { NetworkDeclaration } from './networks-file.ts';

export interface ProposalInput {
  name: string;
  site: string;
  email: string;
  territory: string | null;
  description: string | null;
}

/** Stores a proposal with what its site advertises (a site that cannot be read is noted, not refused). */
export async function recordProposal(deps: Deps, p: ProposalInput): Promise<NetworkProposalRow> {
  let feeds: NetworkProposalRow['feeds'] = [];
  let discoveryError: string | null = null;
  try {
    feeds = (await discoverSources(deps, p.site)).found;
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    discoveryError = err.message.slice(0, 500);
  }
  const [row] = await deps.db.orm
    .insert(networkProposals)
    .values({ ...p, feeds, discoveryError, createdAt: deps.clock.now().getTime() })
    .returning();
  return row!;
}

export async function pendingProposals(deps: Deps): Promise<NetworkProposalRow[]> {
  return deps.db.orm
    .select()
    .from(networkProposals)
    .where(eq(networkProposals.status, 'pending'))
    .orderBy(desc(networkProposals.id));
}

export async function decidedProposals(deps: Deps, limit = 20): Promise<NetworkProposalRow[]> {
  return deps.db.orm
    .select()
    .from(networkProposals)
    .where(ne(networkProposals.status, 'pending'))
    .orderBy(desc(networkProposals.decidedAt))
    .limit(limit);
}

export async function getProposal(deps: Deps, id: number): Promise<NetworkProposalRow | null> {
  const [row] = await deps.db.orm
    .select()
    .from(networkProposals)
    .where(eq(networkProposals.id, id));
  return row ?? null;
}

/** Claims a pending proposal for a decision: false when someone decided it already. */
async function decide(
  deps: Deps,
  id: number,
  status: 'approved' | 'declined',
  networkSlug: string | null,
): Promise<boolean> {
  const rows = await deps.db.orm
    .update(networkProposals)
    .set({ status, networkSlug, decidedAt: deps.clock.now().getTime() })
    .where(and(eq(networkProposals.id, id), eq(networkProposals.status, 'pending')))
    .returning({ id: networkProposals.id });
  return rows.length === 1;
}

/** The proposal becomes this network (EditError when the declaration is refused). */
export async function approveProposal(
  deps: Deps,
  proposal: NetworkProposalRow,
  network: NetworkDeclaration,
): Promise<boolean> {
  await addNetwork(deps, network);
  return decide(deps, proposal.id, 'approved', network.slug);
}

export function declineProposal(deps: Deps, proposal: NetworkProposalRow): Promise<boolean> {
  return decide(deps, proposal.id, 'declined', null);
}
