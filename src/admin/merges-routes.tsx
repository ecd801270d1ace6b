/**
 * GET /admin/merges: the recent merges with their reason ("même URL canonique", "texte quasi
 * identique"…); POST /admin/merges/:entryId/split: one click moves a wrongly merged entry to a
 * story of its own (the same splitEntry as POST /api/admin/entries/:id/split and `items split`).
 */
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import { splitEntry, SplitError } from '../ingest/dedupe/split.ts';
import { mergeReasonWords } from '../ingest/dedupe/merge-reasons.ts';
import { defineMessages, formatDateTime } from '../web/i18n.ts';
import { adminContext, adminHref, type AdminContext } from './context.ts';
import { AdminLayout, Notice } from './layout.tsx';
import { ActionButton } from './networks-page.tsx';
import { recentMerges, type MergeRow } from './merges-query.ts';

const t = defineMessages({
  fr: {
    title: 'Fusions récentes',
    intro:
      'Quand plusieurs réseaux relaient la même actualité, le hub n’en garde qu’une, avec tous ' +
      'ses liens. Si deux actualités différentes ont été fusionnées à tort, séparez-les : elles ' +
      'ne seront plus jamais fusionnées.',
    none: 'Aucune fusion pour l’instant.',
    joined: 'a rejoint',
    reason: 'Raison',
    also: 'avec',
    split: 'Séparer',
    done: (title: string) => `« ${title} » est maintenant une actualité à part.`,
    gone: 'Cette entrée a déjà été séparée ou n’existe plus.',
  },
  en: {
    title: 'Recent merges',
    intro:
      'When several networks relay the same story, the hub keeps one, with all its links. If two ' +
      'different stories were merged by mistake, split them: they will never be merged again.',
    none: 'No merge yet.',
    joined: 'joined',
    reason: 'Reason',
    also: 'with',
    split: 'Split',
    done: (title: string) => `“${title}” is now a story of its own.`,
    gone: 'This entry was already split or no longer exists.',
  },
});

export const mergesRoutes = new Hono<HubEnv>();

function MergesPage(p: { x: AdminContext; rows: MergeRow[]; done?: string; bad?: string }) {
  const x = p.x;
  const m = t(x.lang);
  return (
    <AdminLayout x={x} title={m.title}>
      <h1>{m.title}</h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      {p.bad ? <Notice tone="bad">{p.bad}</Notice> : null}
      <p>{m.intro}</p>
      {p.rows.length ? (
        <ul class="river">
          {p.rows.map((r) => (
            <li id={`e-${r.entryId}`} class="merge">
              <p>
                <strong>{r.entryTitle}</strong> <span class="muted">({r.networkSlug})</span>{' '}
                {m.joined} « {r.itemUrl ? <a href={r.itemUrl}>{r.itemTitle}</a> : r.itemTitle} »
                {r.with.length ? ` ${m.also} ${r.with.join(', ')}` : ''}
              </p>
              <p class="meta">
                {m.reason} : <span class="reason">{mergeReasonWords(r.reason)}</span>
                {detailAfterWords(r) ? ` — ${detailAfterWords(r)}` : ''} ·{' '}
                {formatDateTime(new Date(r.seenAt), x.lang, x.hub.timezone)}
                {r.entryUrl ? (
                  <>
                    {' '}
                    · <a href={r.entryUrl}>{new URL(r.entryUrl).hostname}</a>
                  </>
                ) : null}
              </p>
              <ActionButton x={x} action={`/admin/merges/${r.entryId}/split`} label={m.split} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{m.none}</p>
      )}
    </AdminLayout>
  );
}

/** The detail without the reason's words it starts with (dedupe stores them at its head). */
function detailAfterWords(r: MergeRow): string {
  const words = mergeReasonWords(r.reason);
  const d = (r.detail ?? '').trim();
  return d.startsWith(words) ? d.slice(words.length).replace(/^\s*[—:-]\s*/, '') : d;
}

mergesRoutes.get('/admin/merges', async (c) => {
  const x = await adminContext(c);
  const m = t(x.lang);
  const title = c.req.query('split');
  const gone = c.req.query('gone') === '1';
  return c.html(
    <MergesPage
      x={x}
      rows={await recentMerges(x.deps)}
      done={title ? m.done(title) : undefined}
      bad={gone ? m.gone : undefined}
    />,
  );
});

mergesRoutes.post('/admin/merges/:entryId/split', async (c: HubContext) => {
  const x = await adminContext(c);
  const raw = c.req.param('entryId') ?? '';
  if (!/^\d{1,15}$/.test(raw)) return c.redirect(adminHref(x, '/admin/merges?gone=1'), 303);
  const row = (await recentMerges(x.deps, 500)).find((r) => r.entryId === Number(raw));
  try {
    await splitEntry(x.deps, Number(raw));
  } catch (err) {
    if (!(err instanceof SplitError)) throw err;
    return c.redirect(adminHref(x, '/admin/merges?gone=1'), 303);
  }
  const q = new URLSearchParams({ split: row?.entryTitle ?? raw });
  return c.redirect(adminHref(x, `/admin/merges?${q}`), 303);
});
