/** The console's list of networks: each source's health in plain words and what to tell the member. */
import type { NetworkWithSources } from '../federation/list.ts';
import { sourceHealth } from '../federation/source-health.ts';
import { formatDateTime } from '../web/i18n.ts';
import { adminHref, type AdminContext } from './context.ts';
import { AdminLayout, CsrfField, Notice } from './layout.tsx';
import { memberAdvice } from './member-advice.ts';
import { nt } from './networks-text.ts';

export interface FederationWarning {
  consoleEditedAt: number | null;
  fileChanged: boolean;
}

/** A network is paused when none of its live sources is active and one is paused. */
export function isPaused(n: NetworkWithSources): boolean {
  return (
    n.sources.some((s) => s.status === 'paused') && !n.sources.some((s) => s.status === 'active')
  );
}

/** A one-button form (pause, resume, fetch…): no JavaScript, CSRF token included. */
export function ActionButton(p: {
  x: AdminContext;
  action: string;
  label: string;
  fields?: Record<string, string>;
}) {
  return (
    <form method="post" action={adminHref(p.x, p.action)} class="inline">
      <CsrfField x={p.x} />
      {Object.entries(p.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit">{p.label}</button>
    </form>
  );
}

export function FederationWarnings(p: { x: AdminContext; w: FederationWarning }) {
  const m = nt(p.x.lang);
  if (!p.w.consoleEditedAt && !p.w.fileChanged) return null;
  return (
    <>
      {p.w.fileChanged && p.w.consoleEditedAt ? <Notice tone="bad">{m.fileChanged}</Notice> : null}
      {p.w.consoleEditedAt ? (
        <Notice tone="warn">
          {m.consoleEdited(
            formatDateTime(new Date(p.w.consoleEditedAt), p.x.lang, p.x.hub.timezone),
          )}{' '}
          <a href={adminHref(p.x, '/admin/federation.yaml')}>{m.download}</a>
        </Notice>
      ) : null}
    </>
  );
}

export function NetworksPage(p: {
  x: AdminContext;
  networks: NetworkWithSources[];
  warning: FederationWarning;
  done?: string;
}) {
  const x = p.x;
  const m = nt(x.lang);
  const now = x.deps.clock.now().getTime();
  const active = p.networks.filter((n) => n.active);
  const retired = p.networks.filter((n) => !n.active);
  return (
    <AdminLayout x={x} title={m.title}>
      <h1>{m.title}</h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <FederationWarnings x={x} w={p.warning} />
      <p>{m.intro(active.length)}</p>
      <div class="actions">
        <a href={adminHref(x, '/admin/networks/new')}>{m.add}</a>
        <ActionButton x={x} action="/admin/pull" label={m.pullAll} />
      </div>
      <ul class="directory">
        {active.map((n) => (
          <li id={`n-${n.slug}`}>
            <h2>
              {n.name} <span class="muted">({n.slug})</span>
              {isPaused(n) ? <span class="muted"> · {m.paused}</span> : null}
            </h2>
            <p class="tags">{[n.territory, ...(n.tags ?? [])].filter(Boolean).join(' · ')}</p>
            {n.sources.length ? (
              <ul class="sources">
                {n.sources
                  .filter((s) => s.status !== 'removed')
                  .map((s) => {
                    const advice = memberAdvice(s, x.lang);
                    return (
                      <li>
                        <span class="kind">{m.kind(s.kind)}</span> <a href={s.url}>{s.url}</a>
                        {sourceHealth(s, now, x.lang).map((h) => (
                          <span class={`health ${h.tone}`}>{h.text}</span>
                        ))}
                        {advice ? (
                          <span class="health advice">
                            <strong>{m.tell}</strong>
                            {advice}
                          </span>
                        ) : null}
                      </li>
                    );
                  })}
              </ul>
            ) : (
              <p class="muted">{m.noSources}</p>
            )}
            <div class="actions">
              <a href={adminHref(x, `/admin/networks/${n.slug}`)}>{m.edit}</a>
              <ActionButton
                x={x}
                action="/admin/pull"
                label={m.pullOne}
                fields={{ network: n.slug }}
              />
              {isPaused(n) ? (
                <ActionButton x={x} action={`/admin/networks/${n.slug}/resume`} label={m.resume} />
              ) : (
                <ActionButton x={x} action={`/admin/networks/${n.slug}/pause`} label={m.pause} />
              )}
            </div>
          </li>
        ))}
      </ul>
      {retired.length ? (
        <>
          <h2>{m.retired}</h2>
          <p class="muted">{m.retiredHelp}</p>
          <ul class="directory">
            {retired.map((n) => (
              <li>
                {n.name} <span class="muted">({n.slug})</span>{' '}
                <ActionButton
                  x={x}
                  action={`/admin/networks/${n.slug}/reinstate`}
                  label={m.bringBack}
                />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </AdminLayout>
  );
}
