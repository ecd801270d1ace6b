/** The add and edit forms of a network (plain HTML forms; discovery is a GET with ?url=). */
import { EmbedSnippets } from '../embed/snippet-section.tsx';
import type { DiscoveredFeed } from '../ingest/discover.ts';
import type { NetworkDeclaration } from '../federation/networks-file.ts';
import { adminHref, type AdminContext } from './context.ts';
import { AdminLayout, CsrfField, Notice } from './layout.tsx';
import { ActionButton } from './networks-page.tsx';
import { nt } from './networks-text.ts';

/** Fields shared by the add and edit forms. */
function Fields(p: { x: AdminContext; n: NetworkDeclaration; withSlug: boolean; lists: boolean }) {
  const m = nt(p.x.lang);
  const n = p.n;
  return (
    <>
      {p.withSlug ? (
        <label>
          {m.slug}
          <input
            name="slug"
            required
            pattern="[a-z0-9][a-z0-9\-]{0,63}"
            value={n.slug}
            aria-describedby="slug-help"
          />
          <span id="slug-help" class="muted">
            {m.slugHelp}
          </span>
        </label>
      ) : null}
      <label>
        {m.name}
        <input name="name" required value={n.name} />
      </label>
      <label>
        {m.site}
        <input name="site" type="url" value={n.site ?? ''} />
      </label>
      <label>
        {m.territoryField}
        <input name="territory" value={n.territory ?? ''} />
      </label>
      <label>
        {m.tagsField}
        <input name="tags" value={n.tags.join(', ')} />
      </label>
      <label>
        {m.description}
        <textarea name="description" rows={2}>
          {n.description ?? ''}
        </textarea>
      </label>
      {p.lists ? (
        <>
          <label>
            {m.feeds}
            <textarea name="feeds" rows={3}>
              {n.feeds.join('\n')}
            </textarea>
          </label>
          <label>
            {m.agendas}
            <textarea name="agendas" rows={2}>
              {n.agendas.join('\n')}
            </textarea>
          </label>
        </>
      ) : null}
    </>
  );
}

export interface AddState {
  address: string;
  /** Discovery result, once an address was looked at. */
  found?: DiscoveredFeed[];
  /** Which found URLs are ticked. */
  picked?: Set<string>;
  error?: string;
  draft: NetworkDeclaration;
}

export function AddNetworkPage(p: { x: AdminContext; s: AddState }) {
  const x = p.x;
  const m = nt(x.lang);
  const s = p.s;
  return (
    <AdminLayout x={x} title={m.addTitle}>
      <h1>{m.addTitle}</h1>
      <form method="get" action="/admin/networks/new" class="stack" role="search">
        {x.langParam ? <input type="hidden" name="lang" value={x.lang} /> : null}
        <label>
          {m.address}
          <input name="url" type="url" required value={s.address} aria-describedby="address-help" />
          <span id="address-help" class="muted">
            {m.addressHelp}
          </span>
        </label>
        <button type="submit">{m.look}</button>
      </form>
      {s.error ? <Notice tone="bad">{s.error}</Notice> : null}
      {s.found ? (
        <form method="post" action={adminHref(x, '/admin/networks')} class="stack">
          <CsrfField x={x} />
          <input type="hidden" name="url" value={s.address} />
          <fieldset>
            <legend>{m.found}</legend>
            {s.found.length ? (
              <>
                <p class="muted">{m.foundHelp}</p>
                {s.found.map((f) => (
                  <label>
                    <input
                      type="checkbox"
                      name={f.kind === 'calendar' ? 'pick_agenda' : 'pick_feed'}
                      value={f.url}
                      checked={s.picked ? s.picked.has(f.url) : true}
                    />
                    <span>
                      {m.kind(f.kind)} : {f.title ? `${f.title} — ` : ''}
                      <code>{f.url}</code>
                    </span>
                  </label>
                ))}
              </>
            ) : (
              <p>{m.noneFound}</p>
            )}
          </fieldset>
          <Fields x={x} n={s.draft} withSlug lists={false} />
          <button type="submit">{m.save}</button>
        </form>
      ) : null}
    </AdminLayout>
  );
}

export function EditNetworkPage(p: {
  x: AdminContext;
  n: NetworkDeclaration;
  paused: boolean;
  error?: string;
}) {
  const x = p.x;
  const m = nt(x.lang);
  return (
    <AdminLayout x={x} title={m.editTitle(p.n.name)}>
      <h1>{m.editTitle(p.n.name)}</h1>
      <p>
        <a href={adminHref(x, `/admin/networks#n-${p.n.slug}`)}>{m.back}</a>
      </p>
      {p.error ? <Notice tone="bad">{p.error}</Notice> : null}
      <form method="post" action={adminHref(x, `/admin/networks/${p.n.slug}`)} class="stack">
        <CsrfField x={x} />
        <Fields x={x} n={p.n} withSlug={false} lists />
        <button type="submit">{m.save}</button>
      </form>
      <div class="actions">
        {p.paused ? (
          <ActionButton x={x} action={`/admin/networks/${p.n.slug}/resume`} label={m.resume} />
        ) : (
          <ActionButton x={x} action={`/admin/networks/${p.n.slug}/pause`} label={m.pause} />
        )}
      </div>
      <p class="muted">{m.retireHelp}</p>
      <ActionButton x={x} action={`/admin/networks/${p.n.slug}/retire`} label={m.retire} />
      <EmbedSnippets
        lang={x.lang}
        baseUrl={x.hub.baseUrl}
        hubTitle={x.hub.title}
        filters={new URLSearchParams({ network: p.n.slug })}
      />
    </AdminLayout>
  );
}
