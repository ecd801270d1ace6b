/** The console's proposals: each pending one with its discovered feeds, to approve or decline. */
import type { NetworkProposalRow } from '../db/schema/index.ts';
import { defineMessages, formatDateTime } from '../web/i18n.ts';
import { adminHref, type AdminContext } from './context.ts';
import { AdminLayout, CsrfField, Notice } from './layout.tsx';
import { ActionButton } from './networks-page.tsx';
import { nt } from './networks-text.ts';
import { suggestSlug } from './slug.ts';

export const prt = defineMessages({
  fr: {
    title: 'Propositions de réseaux',
    intro: 'Les réseaux qui se sont proposés sur /networks/propose.',
    none: 'Aucune proposition en attente.',
    received: (when: string) => `Reçue le ${when}`,
    contact: 'Contact',
    discoveryFailed: (why: string) => `Le site n’a pas pu être lu : ${why}`,
    approve: 'Accepter : créer le réseau',
    decline: 'Refuser',
    decided: 'Décisions récentes',
    approved: (slug: string) => `acceptée (réseau ${slug})`,
    declinedWord: 'refusée',
    doneApproved: (name: string) => `« ${name} » est maintenant un réseau de la fédération.`,
    doneDeclined: (name: string) => `Proposition « ${name} » refusée.`,
    mailed: ' Le contact a été prévenu par courriel.',
    already: 'Cette proposition a déjà été traitée.',
    approvedSubject: (hub: string) => `Votre réseau rejoint ${hub}`,
    approvedBody: (name: string, hub: string, url: string) =>
      `Bonjour,\n\nLa proposition de « ${name} » a été ` +
      `acceptée : le réseau fait maintenant partie de ${hub}.\n` +
      `Ses actualités et son agenda y paraîtront à chaque relève : ${url}\n\nMerci !`,
    declinedSubject: (hub: string) => `Votre proposition à ${hub}`,
    declinedBody: (name: string, hub: string) =>
      `Bonjour,\n\nLes coordinateurs de ${hub} n’ont pas ` +
      `retenu la proposition de « ${name} » pour l’instant.\n` +
      'N’hésitez pas à leur écrire pour en savoir plus.',
  },
  en: {
    title: 'Network proposals',
    intro: 'The networks that proposed themselves on /networks/propose.',
    none: 'No pending proposal.',
    received: (when: string) => `Received on ${when}`,
    contact: 'Contact',
    discoveryFailed: (why: string) => `The website could not be read: ${why}`,
    approve: 'Approve: create the network',
    decline: 'Decline',
    decided: 'Recent decisions',
    approved: (slug: string) => `approved (network ${slug})`,
    declinedWord: 'declined',
    doneApproved: (name: string) => `“${name}” is now a network of the federation.`,
    doneDeclined: (name: string) => `Proposal “${name}” declined.`,
    mailed: ' The contact was told by email.',
    already: 'This proposal was already decided.',
    approvedSubject: (hub: string) => `Your network joins ${hub}`,
    approvedBody: (name: string, hub: string, url: string) =>
      `Hello,\n\nThe proposal of “${name}” was approved: the network is now part of ${hub}.\n` +
      `Its news and agenda will show there at each pull: ${url}\n\nThank you!`,
    declinedSubject: (hub: string) => `Your proposal to ${hub}`,
    declinedBody: (name: string, hub: string) =>
      `Hello,\n\nThe coordinators of ${hub} did not take up the proposal of “${name}” for now.\n` +
      'Feel free to write to them to know more.',
  },
});

function Proposal(p: { x: AdminContext; row: NetworkProposalRow; error?: string }) {
  const x = p.x;
  const m = prt(x.lang);
  const n = nt(x.lang);
  const r = p.row;
  return (
    <li id={`p-${r.id}`}>
      <h2>{r.name}</h2>
      <p class="meta">
        {m.received(formatDateTime(new Date(r.createdAt), x.lang, x.hub.timezone))} · {m.contact}{' '}
        {r.email}
      </p>
      <p>
        <a href={r.site}>{r.site}</a>
        {r.territory ? ` · ${r.territory}` : ''}
      </p>
      {r.description ? <p>{r.description}</p> : null}
      {p.error ? <Notice tone="bad">{p.error}</Notice> : null}
      {r.discoveryError ? <Notice tone="warn">{m.discoveryFailed(r.discoveryError)}</Notice> : null}
      <form method="post" action={adminHref(x, `/admin/proposals/${r.id}/approve`)} class="stack">
        <CsrfField x={x} />
        {r.feeds.length ? (
          <fieldset>
            <legend>{n.found}</legend>
            {r.feeds.map((f) => (
              <label>
                <input
                  type="checkbox"
                  name={f.kind === 'calendar' ? 'pick_agenda' : 'pick_feed'}
                  value={f.url}
                  checked
                />
                <span>
                  {n.kind(f.kind)} : {f.title ? `${f.title} — ` : ''}
                  <code>{f.url}</code>
                </span>
              </label>
            ))}
          </fieldset>
        ) : (
          <p class="muted">{n.noneFound}</p>
        )}
        <label>
          {n.slug}
          <input name="slug" required value={suggestSlug(r.name)} />
        </label>
        <label>
          {n.name}
          <input name="name" required value={r.name} />
        </label>
        <label>
          {n.territoryField}
          <input name="territory" value={r.territory ?? ''} />
        </label>
        <label>
          {n.tagsField}
          <input name="tags" value="" />
        </label>
        <button type="submit">{m.approve}</button>
      </form>
      <ActionButton x={x} action={`/admin/proposals/${r.id}/decline`} label={m.decline} />
    </li>
  );
}

export function ProposalsPage(p: {
  x: AdminContext;
  pending: NetworkProposalRow[];
  decided: NetworkProposalRow[];
  done?: string;
  errorFor?: { id: number; message: string };
}) {
  const x = p.x;
  const m = prt(x.lang);
  return (
    <AdminLayout x={x} title={m.title}>
      <h1>{m.title}</h1>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <p>{m.intro}</p>
      {p.pending.length ? (
        <ul class="directory">
          {p.pending.map((row) => (
            <Proposal
              x={x}
              row={row}
              error={p.errorFor?.id === row.id ? p.errorFor.message : undefined}
            />
          ))}
        </ul>
      ) : (
        <p class="muted">{m.none}</p>
      )}
      {p.decided.length ? (
        <>
          <h2>{m.decided}</h2>
          <ul>
            {p.decided.map((r) => (
              <li>
                {r.name} —{' '}
                {r.status === 'approved' ? m.approved(r.networkSlug ?? '') : m.declinedWord}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </AdminLayout>
  );
}
