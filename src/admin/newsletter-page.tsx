/** The console's newsletter page: preview and test for a set of choices, ledger, audience. */
import { defineMessages, formatDateTime } from '../web/i18n.ts';
import { adminHref, type AdminContext } from './context.ts';
import { AdminLayout, CsrfField, Notice } from './layout.tsx';
import type { FollowCounts, RunLedger } from './newsletter-stats.ts';

export const lt = defineMessages({
  fr: {
    title: 'Lettre d’information',
    preview: 'Aperçu de la prochaine lettre',
    previewHelp:
      'Cochez des choix comme le ferait un·e abonné·e (rien de coché = tout) : l’aperçu montre ' +
      'la ' +
      'lettre telle qu’elle partirait maintenant, au format des messageries.',
    networks: 'Réseaux',
    tags: 'Thèmes',
    territories: 'Territoires',
    show: 'Voir l’aperçu',
    test: 'Envoyer un essai à',
    send: 'Envoyer l’essai',
    sent: (to: string) => `Essai envoyé à ${to}.`,
    empty: 'Rien à envoyer pour ces choix : aucune actualité ni aucun événement nouveau.',
    failed: (why: string) => `L’essai n’est pas parti : ${why}`,
    noMailer: 'L’envoi de courriels n’est pas configuré (HUB_SMTP_URL) : pas d’essai possible.',
    badEmail: 'Adresse électronique invalide.',
    runs: 'Derniers envois',
    noRuns: 'Aucune lettre envoyée pour l’instant.',
    open: ' (en cours)',
    audience: (n: number) =>
      `${n} abonné·e${n > 1 ? 's' : ''} actif·ve${n > 1 ? 's' : ''}, par choix`,
    everything: 'Tout (rien coché)',
    csv: 'Exporter les abonné·es (CSV)',
  },
  en: {
    title: 'Newsletter',
    preview: 'Preview of the next edition',
    previewHelp:
      'Tick choices as a subscriber would (nothing ticked = everything): the preview shows the ' +
      'edition as it would leave now, as mail clients show it.',
    networks: 'Networks',
    tags: 'Topics',
    territories: 'Territories',
    show: 'See the preview',
    test: 'Send a test to',
    send: 'Send the test',
    sent: (to: string) => `Test sent to ${to}.`,
    empty: 'Nothing to send for these choices: no new story or event.',
    failed: (why: string) => `The test did not leave: ${why}`,
    noMailer: 'Email is not configured (HUB_SMTP_URL): no test possible.',
    badEmail: 'Invalid email address.',
    runs: 'Latest runs',
    noRuns: 'No newsletter sent yet.',
    open: ' (in progress)',
    audience: (n: number) => `${n} active subscriber${n > 1 ? 's' : ''}, by choice`,
    everything: 'Everything (nothing ticked)',
    csv: 'Export the subscribers (CSV)',
  },
});

/** The ledger table's columns. */
const COLUMNS = {
  fr: ['Lettre', 'Actualités', 'Événements', 'Envoyées', 'En échec', 'Rejetées', 'En attente'],
  en: ['Edition', 'Stories', 'Events', 'Sent', 'Failed', 'Bounced', 'Pending'],
};

import type { Options } from '../newsletter/pages.tsx';

export type { Options };

function Choices(p: { x: AdminContext; options: Options }) {
  const m = lt(p.x.lang);
  const group = (legend: string, name: string, items: { value: string; label: string }[]) =>
    items.length ? (
      <fieldset>
        <legend>{legend}</legend>
        {items.map((i) => (
          <label>
            <input type="checkbox" name={name} value={i.value} /> <span>{i.label}</span>
          </label>
        ))}
      </fieldset>
    ) : null;
  return (
    <>
      {group(
        m.networks,
        'network',
        p.options.networks.map((n) => ({ value: n.slug, label: n.name })),
      )}
      {group(
        m.tags,
        'tag',
        p.options.tags.map((v) => ({ value: v, label: v })),
      )}
      {group(
        m.territories,
        'territory',
        p.options.territories.map((v) => ({ value: v, label: v })),
      )}
    </>
  );
}

function CountTable(p: {
  title: string;
  everything: { label: string; n: number };
  counts: Map<string, number>;
  label: (k: string) => string;
}) {
  const rows = [...p.counts].sort((a, b) => b[1] - a[1]);
  return (
    <table class="counts">
      <caption>{p.title}</caption>
      <tr>
        <th scope="row">{p.everything.label}</th>
        <td class="n">{p.everything.n}</td>
      </tr>
      {rows.map(([k, n]) => (
        <tr>
          <th scope="row">{p.label(k)}</th>
          <td class="n">{n}</td>
        </tr>
      ))}
    </table>
  );
}

export function NewsletterPage(p: {
  x: AdminContext;
  options: Options;
  runs: RunLedger[];
  counts: FollowCounts;
  notice?: { tone: 'ok' | 'bad'; text: string };
}) {
  const x = p.x;
  const m = lt(x.lang);
  const names = new Map(p.options.networks.map((n) => [n.slug, n.name]));
  return (
    <AdminLayout x={x} title={m.title}>
      <h1>{m.title}</h1>
      {p.notice ? <Notice tone={p.notice.tone}>{p.notice.text}</Notice> : null}
      <h2>{m.preview}</h2>
      <p>{m.previewHelp}</p>
      {/* One set of choices, two buttons: the preview is a GET (formaction), the test a POST. */}
      <form method="post" action={adminHref(x, '/admin/newsletter/test')} class="stack">
        <CsrfField x={x} />
        {/* A GET form drops its action's query: the preview keeps the language this way. */}
        {x.langParam ? <input type="hidden" name="lang" value={x.lang} /> : null}
        <Choices x={x} options={p.options} />
        <button
          type="submit"
          formmethod="get"
          formaction="/admin/newsletter/preview"
          formnovalidate
          name="show"
          value="1"
        >
          {m.show}
        </button>
        <label>
          {m.test}
          <input type="email" name="to" required autocomplete="email" />
        </label>
        <button type="submit">{m.send}</button>
      </form>
      <h2>{m.runs}</h2>
      {p.runs.length ? (
        <div class="scroll">
          <table class="counts ledger">
            <tr>
              {COLUMNS[x.lang].map((c) => (
                <th scope="col">{c}</th>
              ))}
            </tr>
            {p.runs.map((r) => (
              <tr>
                <th scope="row">
                  {formatDateTime(new Date(r.at), x.lang, x.hub.timezone, {
                    dateStyle: 'short',
                    timeStyle: 'short',
                  })}
                  {r.status === 'open' ? m.open : ''}
                </th>
                <td class="n">{r.stories}</td>
                <td class="n">{r.events}</td>
                <td class="n">{r.sent}</td>
                <td class="n">{r.failed}</td>
                <td class="n">{r.bounced}</td>
                <td class="n">{r.pending}</td>
              </tr>
            ))}
          </table>
        </div>
      ) : (
        <p class="muted">{m.noRuns}</p>
      )}
      <h2>{m.audience(p.counts.active)}</h2>
      <div class="actions">
        <CountTable
          title={m.networks}
          everything={{ label: m.everything, n: p.counts.everything.networks }}
          counts={p.counts.networks}
          label={(k) => names.get(k) ?? k}
        />
        <CountTable
          title={m.tags}
          everything={{ label: m.everything, n: p.counts.everything.tags }}
          counts={p.counts.tags}
          label={(k) => k}
        />
        <CountTable
          title={m.territories}
          everything={{ label: m.everything, n: p.counts.everything.territories }}
          counts={p.counts.territories}
          label={(k) => k}
        />
      </div>
      <p>
        <a href={adminHref(x, '/admin/newsletter/subscribers.csv')}>{m.csv}</a>
      </p>
    </AdminLayout>
  );
}
