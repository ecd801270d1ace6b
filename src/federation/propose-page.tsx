/** The public form where a member network proposes itself, and the thank-you page. */
import { hubHref } from '../web/links.ts';
import { Layout } from '../web/layout.tsx';
import { defineMessages } from '../web/i18n.ts';
import type { PageContext } from '../web/page-context.ts';

export const pt = defineMessages({
  fr: {
    title: 'Proposer un réseau',
    lead:
      'Votre réseau publie des actualités ou un agenda et souhaite rejoindre la fédération ? ' +
      'Indiquez son site : le hub y cherche les flux et agendas, puis les coordinateurs ' +
      'examinent ' +
      'la proposition.',
    name: 'Nom du réseau',
    site: 'Adresse du site',
    email: 'Adresse électronique de contact',
    emailHelp: 'Pour vous répondre ; elle n’est ni affichée ni partagée.',
    territory: 'Territoire (facultatif)',
    description: 'Quelques mots sur le réseau (facultatif)',
    honeypot: 'Ne pas remplir',
    send: 'Envoyer la proposition',
    thanks: 'Merci !',
    thanksText:
      'Votre proposition est arrivée. Les coordinateurs de la fédération l’examineront et vous ' +
      'répondront à l’adresse indiquée.',
    missing: (what: string) => `Champ obligatoire : ${what}.`,
    badSite: 'L’adresse du site doit commencer par http:// ou https://.',
    badEmail: 'L’adresse électronique ne semble pas valide (exemple : nom@exemple.fr).',
    tooMany: 'Trop de propositions envoyées depuis votre connexion : réessayez dans une heure.',
    back: 'Voir les réseaux membres',
  },
  en: {
    title: 'Propose a network',
    lead:
      'Your network publishes news or an agenda and would like to join the federation? Give its ' +
      'website: the hub looks for its feeds and calendars there, then the coordinators review ' +
      'the proposal.',
    name: 'Network name',
    site: 'Website address',
    email: 'Contact email address',
    emailHelp: 'To answer you; it is neither shown nor shared.',
    territory: 'Territory (optional)',
    description: 'A few words about the network (optional)',
    honeypot: 'Do not fill in',
    send: 'Send the proposal',
    thanks: 'Thank you!',
    thanksText:
      'Your proposal arrived. The federation’s coordinators will review it and answer you at the ' +
      'address given.',
    missing: (what: string) => `Required field: ${what}.`,
    badSite: 'The website address must start with http:// or https://.',
    badEmail: 'The email address does not look valid (example: name@example.org).',
    tooMany: 'Too many proposals sent from your connection: try again in an hour.',
    back: 'See the member networks',
  },
});

export interface ProposeValues {
  name: string;
  site: string;
  email: string;
  territory: string;
  description: string;
}

export function ProposePage(p: { x: PageContext; values?: ProposeValues; error?: string }) {
  const m = pt(p.x.lang);
  const v = p.values;
  const action = hubHref('/networks/propose', p.x.langParam);
  return (
    <Layout
      lang={p.x.lang}
      hubTitle={p.x.hub.title}
      title={m.title}
      path={p.x.path}
      langParam={p.x.langParam}
    >
      <h1>{m.title}</h1>
      <p>{m.lead}</p>
      {p.error ? (
        <p class="notice bad" role="alert">
          {p.error}
        </p>
      ) : null}
      <form method="post" action={action} class="stack">
        <label>
          {m.name}
          <input name="name" required maxlength={200} value={v?.name ?? ''} />
        </label>
        <label>
          {m.site}
          <input name="site" type="url" required maxlength={500} value={v?.site ?? ''} />
        </label>
        <label>
          {m.email}
          <input
            name="email"
            type="email"
            required
            autocomplete="email"
            value={v?.email ?? ''}
            aria-describedby="email-help"
          />
          <span id="email-help" class="muted">
            {m.emailHelp}
          </span>
        </label>
        <label>
          {m.territory}
          <input name="territory" maxlength={200} value={v?.territory ?? ''} />
        </label>
        <label>
          {m.description}
          <textarea name="description" rows={3} maxlength={1000}>
            {v?.description ?? ''}
          </textarea>
        </label>
        {/* Honeypot: hidden from people (and screen readers), filled by naive bots. */}
        <p style="position:absolute;left:-9999px" aria-hidden="true">
          <label>
            {m.honeypot} <input type="text" name="website" tabindex={-1} autocomplete="off" />
          </label>
        </p>
        <button type="submit">{m.send}</button>
      </form>
    </Layout>
  );
}

export function ThanksPage(p: { x: PageContext }) {
  const m = pt(p.x.lang);
  return (
    <Layout
      lang={p.x.lang}
      hubTitle={p.x.hub.title}
      title={m.thanks}
      path={p.x.path}
      langParam={p.x.langParam}
    >
      <h1>{m.thanks}</h1>
      <p class="notice ok" role="status">
        {m.thanksText}
      </p>
      <p>
        <a href={hubHref('/networks', p.x.langParam)}>{m.back}</a>
      </p>
    </Layout>
  );
}
