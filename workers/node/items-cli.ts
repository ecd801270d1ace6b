/** `intercoop items show ITEM_ID` and `intercoop items split ENTRY_ID`: explain and undo merges. */
import type { Deps } from '../../src/deps.ts';
import { explainItem } from '../../src/news/stories.ts';
import { splitEntry, SplitError } from '../../src/ingest/dedupe/split.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs an `items` subcommand; returns the exit code. */
export async function itemsCommand(
  deps: Deps,
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const [sub, id] = args;
  if (sub === 'show' && id) {
    const x = await explainItem(deps, id);
    if (!x) {
      err(`No item ${id}.`);
      return 1;
    }
    out(`Item ${x.item.id}: ${x.item.title}`);
    out(`  published ${iso(x.item.publishedAt)} · ${x.item.url ?? 'no link'}`);
    out(`  ${x.entries.length} entr${x.entries.length > 1 ? 'ies' : 'y'}:`);
    for (const e of x.entries) {
      out(
        `  #${e.id} ${e.networkSlug} (source ${e.sourceId}) ${iso(e.publishedAt)} ${e.url ?? ''}`,
      );
      out(`      "${e.title}"`);
      out(`      joined: ${e.mergeReason}${e.mergeDetail ? ` — ${e.mergeDetail}` : ''}`);
    }
    for (const s of x.splits)
      out(
        `  split #${s.id}: ${s.fromItemId} → ${s.toItemId} on ${iso(s.createdAt)} (kept apart on later pulls)`,
      );
    return 0;
  }
  if (sub === 'split' && id) {
    if (!/^\d+$/.test(id)) {
      err(`Entry id must be a number, got "${id}".`);
      return 2;
    }
    try {
      const r = await splitEntry(deps, Number(id));
      out(
        `Entry #${r.entryId} moved from item ${r.fromItemId} to new item ${r.toItemId}; it stays apart on later pulls.`,
      );
      return 0;
    } catch (e) {
      if (e instanceof SplitError) {
        err(e.message);
        return 1;
      }
      throw e;
    }
  }
  err('Usage: intercoop items show ITEM_ID | intercoop items split ENTRY_ID');
  return 2;
}
