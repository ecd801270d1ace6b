/**
 * POST /admin/pull [network=SLUG]: "Récupérer maintenant" for one network or all, through the
 * same pull() as `intercoop pull` and POST /api/admin/pull, then each source's result.
 */
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { pull } from '../ingest/pull.ts';
import { getDirectoryEntry } from '../federation/directory.ts';
import type { PullSummary } from '../ingest/types.ts';
import { sourceHealth } from '../federation/source-health.ts';
import { adminContext, adminHref, field, postedForm, type AdminContext } from './context.ts';
import { AdminLayout, Notice } from './layout.tsx';
import { memberAdvice } from './member-advice.ts';
import { nt, outcomeText } from './networks-text.ts';

export const pullRoutes = new Hono<HubEnv>();

pullRoutes.post('/admin/pull', async (c) => {
  const x = await adminContext(c);
  const network = field(postedForm(c), 'network') || undefined;
  if (network && !(await getDirectoryEntry(x.deps, network)))
    return c.html(
      <AdminLayout x={x} title={nt(x.lang).notFound}>
        <Notice tone="bad">{nt(x.lang).notFound}</Notice>
      </AdminLayout>,
      404,
    );
  const summary = await pull(x.deps, { trigger: 'console', network, all: true });
  return c.html(<PullPage x={x} summary={summary} />);
});

function PullPage(p: { x: AdminContext; summary: PullSummary }) {
  const x = p.x;
  const m = nt(x.lang);
  const s = p.summary;
  const now = x.deps.clock.now().getTime();
  return (
    <AdminLayout x={x} title={m.pullTitle}>
      <h1>{m.pullTitle}</h1>
      {s.sources ? (
        <Notice tone={s.failed ? 'warn' : 'ok'}>
          {m.pullSummary(s.sources, s.ok + s.notModified, s.failed, s.newItems)}
        </Notice>
      ) : (
        <Notice>{m.nothingToPull}</Notice>
      )}
      <ul class="sources">
        {s.reports.map((r) => {
          const health = r.outcome === 'error' ? failedHealth(r, now, x) : null;
          return (
            <li class="pull-result">
              <span class="kind">{r.networkSlug}</span> · {m.kind(r.kind)} <code>{r.url}</code>
              <span class={`health ${r.outcome === 'error' ? 'bad' : 'ok'}`}>
                {outcomeText[x.lang][r.outcome]!(r.new, r.updated)}
                {health ? ` : ${health.detail}` : ''}
              </span>
              {health?.advice ? (
                <span class="health advice">
                  <strong>{m.tell}</strong>
                  {health.advice}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <p>
        <a href={adminHref(x, '/admin/networks')}>{m.back}</a>
      </p>
    </AdminLayout>
  );
}

/** The failure in the same plain words as the list, and what to tell the member. */
function failedHealth(r: PullSummary['reports'][number], now: number, x: AdminContext) {
  const row = {
    status: 'active' as const,
    url: r.url,
    lastStatus: r.httpStatus,
    lastError: r.error,
    lastErrorKind: r.errorKind,
    errorCount: 1,
    lastFetchAt: now,
    lastSuccessAt: null,
  };
  const detail = sourceHealth(row, now, x.lang)[0]!.text.replace(/^(Erreur|Error) ?: /, '');
  return { detail, advice: memberAdvice(row, x.lang) };
}
