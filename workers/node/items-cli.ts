/** `intercoop items show ITEM_ID` and `intercoop items split ENTRY_ID`: explain and undo merges. */
import type { Deps } from '../../src/deps.ts';
import { explainItem } from '../../src/news/stories.ts';
import { splitEntry, SplitError } from '../../src/ingest/dedupe/split.ts';
import { defineMessages, type Lang } from '../../src/web/i18n.ts';
import { usageLine } from './cli-usage.ts';

const iso = (ms: number) => new Date(ms).toISOString();

const messages = defineMessages({
  fr: {
    noItem: (id: string) => `Aucune actualité ${id}.`,
    item: (id: string, title: string) => `Actualité ${id} : ${title}`,
    published: (at: string, url: string | null) => `  publiée le ${at} · ${url ?? 'sans lien'}`,
    entries: (n: number) => `  ${n} entrée${n > 1 ? 's' : ''} :`,
    source: (id: number) => `source ${id}`,
    joined: (why: string) => `      réunie : ${why}`,
    split: (id: number, from: string, to: string, at: string) =>
      `  séparation #${id} : ${from} → ${to} le ${at} (gardée à part aux relèves suivantes)`,
    badId: (id: string) => `L’identifiant d’une entrée est un nombre, pas « ${id} ».`,
    noEntry: (id: number) => `Aucune entrée #${id}.`,
    alone: (id: number) => `L’entrée #${id} est seule dans son actualité : rien à séparer.`,
    moved: (id: number, from: string, to: string) =>
      `Entrée #${id} déplacée de l’actualité ${from} vers la nouvelle actualité ${to} ; ` +
      'elle reste à part aux relèves suivantes.',
  },
  en: {
    noItem: (id: string) => `No item ${id}.`,
    item: (id: string, title: string) => `Item ${id}: ${title}`,
    published: (at: string, url: string | null) => `  published ${at} · ${url ?? 'no link'}`,
    entries: (n: number) => `  ${n} entr${n > 1 ? 'ies' : 'y'}:`,
    source: (id: number) => `source ${id}`,
    joined: (why: string) => `      joined: ${why}`,
    split: (id: number, from: string, to: string, at: string) =>
      `  split #${id}: ${from} → ${to} on ${at} (kept apart on later pulls)`,
    badId: (id: string) => `Entry id must be a number, got "${id}".`,
    noEntry: (id: number) => `No entry #${id}.`,
    alone: (id: number) => `Entry #${id} is the only entry of its item: nothing to split.`,
    moved: (id: number, from: string, to: string) =>
      `Entry #${id} moved from item ${from} to new item ${to}; it stays apart on later pulls.`,
  },
});

/** Runs an `items` subcommand; returns the exit code. */
export async function itemsCommand(
  deps: Deps,
  args: string[],
  lang: Lang,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const t = messages(lang);
  const [sub, id] = args;
  if (sub === 'show' && id) {
    const x = await explainItem(deps, id);
    if (!x) {
      err(t.noItem(id));
      return 1;
    }
    out(t.item(x.item.id, x.item.title));
    out(t.published(iso(x.item.publishedAt), x.item.url));
    out(t.entries(x.entries.length));
    for (const e of x.entries) {
      const where = `${e.networkSlug} (${t.source(e.sourceId)})`;
      out(`  #${e.id} ${where} ${iso(e.publishedAt)} ${e.url ?? ''}`);
      out(`      "${e.title}"`);
      out(t.joined(`${e.mergeReason}${e.mergeDetail ? ` — ${e.mergeDetail}` : ''}`));
    }
    for (const s of x.splits) out(t.split(s.id, s.fromItemId, s.toItemId, iso(s.createdAt)));
    return 0;
  }
  if (sub === 'split' && id) {
    if (!/^\d+$/.test(id)) {
      err(t.badId(id));
      return 2;
    }
    try {
      const r = await splitEntry(deps, Number(id));
      out(t.moved(r.entryId, r.fromItemId, r.toItemId));
      return 0;
    } catch (e) {
      if (e instanceof SplitError) {
        // The store's message is for logs; people read its code in their language.
        err(e.code === 'not_found' ? t.noEntry(Number(id)) : t.alone(Number(id)));
        return 1;
      }
      throw e;
    }
  }
  err(usageLine('items', lang));
  return 2;
}
