/** The newsletter's pages (hono/jsx, no JavaScript needed). No page ever shows an address. */
import { hubHref } from '../web/links.ts';
import type { EmailProblem } from './subscription/lifecycle.ts';
import { Layout } from '../web/layout.tsx';
import { defineMessages, type Lang } from '../web/i18n.ts';
import type { DigestChoices } from '../db/schema/newsletter.ts';
import type { DigestContent } from './digest/build.ts';
import { formatDay, formatEventTime } from './digest/render.ts';

export const t = defineMessages({
  fr: {
    title: 'Lettre d’information',
    lead:
      'Recevez par courriel, une fois par semaine ou chaque jour, les nouveaux ' +
      'articles des réseaux et l’agenda des semaines à venir.',
    email: 'Votre adresse électronique',
    frequency: 'Fréquence',
    weekly: 'Chaque semaine',
    daily: 'Chaque jour',
    language: 'Langue de la lettre',
    follow: 'Ce que vous suivez (rien de coché = tout)',
    networks: 'Réseaux',
    tags: 'Thèmes',
    territories: 'Territoires',
    subscribe: 'S’inscrire',
    honeypot: 'Ne remplissez pas ce champ',
    privacy:
      'Votre adresse ne sert qu’à cette lettre. Elle n’est jamais affichée ni partagée ' +
      '; elle est effacée 30 jours après votre désinscription.',
    checkMail: 'Vérifiez votre boîte aux lettres',
    checkMailText:
      'Si l’adresse est valide, un message contenant un lien de confirmation vient d’y ' +
      'être envoyé. Le lien est valable 48 heures ; rien ne vous sera envoyé sans ' +
      'cette confirmation.',
    invalidEmail: (problem: EmailProblem) =>
      ({
        control:
          'Cette adresse contient un caractère invisible (caractère de contrôle) : retapez-la.',
        route:
          'Les adresses avec « % » ou « ! » (routage par un autre serveur) ne sont pas acceptées.',
        length: 'Cette adresse est trop longue : 254 caractères au plus.',
        format: 'Cette adresse électronique ne semble pas valide (exemple : nom@exemple.fr).',
      })[problem],
    rateLimited: 'Trop de demandes d’inscription récemment. Réessayez plus tard.',
    mailUnavailable:
      'L’envoi de courriels n’est pas disponible pour le moment. Réessayez plus tard.',
    confirmed: 'Inscription confirmée',
    confirmedText:
      'Vous recevrez la prochaine lettre. Vous pouvez à tout moment choisir ce que vous recevez :',
    managePrefs: 'Gérer mes préférences',
    badConfirm: 'Lien de confirmation invalide',
    badConfirmText:
      'Ce lien est inconnu, déjà utilisé ou expiré (48 heures). Vous pouvez recommencer ' +
      'l’inscription.',
    badLink: 'Lien invalide',
    badLinkText: 'Ce lien de gestion n’est pas valide. Utilisez celui de votre dernière lettre.',
    unsubscribeTitle: 'Se désabonner',
    unsubscribeText: 'Confirmez pour ne plus recevoir la lettre.',
    unsubscribeButton: 'Me désabonner',
    unsubscribed: 'Vous êtes désabonné·e',
    unsubscribedText:
      'Vous ne recevrez plus la lettre. Votre adresse sera effacée dans 30 jours ; ' +
      'd’ici là, vous pouvez vous réabonner depuis vos préférences.',
    preferences: 'Vos préférences',
    save: 'Enregistrer',
    saved: 'Préférences enregistrées.',
    bounced:
      'Les envois vers votre adresse ont échoué définitivement : la lettre ne vous est ' +
      'plus envoyée. Réinscrivez-vous depuis la page de la lettre pour la recevoir à ' +
      'nouveau.',
    stateUnsubscribed: 'Vous êtes actuellement désabonné·e : enregistrer vous réabonne.',
    archive: 'Lettres précédentes',
    archiveEmpty: 'Aucune lettre pour l’instant.',
    issueOf: (d: string) => `Lettre du ${d}`,
    moreStories: (n: number) => (n === 1 ? 'et 1 autre article' : `et ${n} autres articles`),
    stories: (n: number) => (n === 1 ? '1 article' : `${n} articles`),
    events: (n: number) => (n === 1 ? '1 événement' : `${n} événements`),
    news: 'Actualités',
    agenda: 'Agenda des prochaines semaines',
    notFound: 'Lettre introuvable',
  },
  en: {
    title: 'Newsletter',
    lead: 'Get the networks’ new stories and the coming weeks’ events by email, weekly or daily.',
    email: 'Your email address',
    frequency: 'Frequency',
    weekly: 'Weekly',
    daily: 'Daily',
    language: 'Newsletter language',
    follow: 'What you follow (nothing ticked = everything)',
    networks: 'Networks',
    tags: 'Topics',
    territories: 'Territories',
    subscribe: 'Subscribe',
    honeypot: 'Leave this field empty',
    privacy:
      'Your address is only used for this newsletter. It is never shown or shared, and ' +
      'is deleted 30 days after you unsubscribe.',
    checkMail: 'Check your mailbox',
    checkMailText:
      'If the address is valid, a message with a confirmation link has just been sent ' +
      'to it. The link works for 48 hours; nothing will be sent to you without this ' +
      'confirmation.',
    invalidEmail: (problem: EmailProblem) =>
      ({
        control: 'This address holds an invisible (control) character: please type it again.',
        route: 'Addresses with “%” or “!” (routing through another server) are not accepted.',
        length: 'This address is too long: 254 characters at most.',
        format: 'This email address does not look valid (example: name@example.org).',
      })[problem],
    rateLimited: 'Too many subscription requests lately. Please try again later.',
    mailUnavailable: 'Email sending is not available right now. Please try again later.',
    confirmed: 'Subscription confirmed',
    confirmedText: 'You will receive the next issue. You can choose what you receive at any time:',
    managePrefs: 'Manage my preferences',
    badConfirm: 'Invalid confirmation link',
    badConfirmText:
      'This link is unknown, already used or expired (48 hours). You can subscribe again.',
    badLink: 'Invalid link',
    badLinkText: 'This management link is not valid. Use the one in your latest newsletter.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeText: 'Confirm to stop receiving the newsletter.',
    unsubscribeButton: 'Unsubscribe me',
    unsubscribed: 'You are unsubscribed',
    unsubscribedText:
      'You will not receive the newsletter any more. Your address will be deleted in ' +
      '30 days; until then you can resubscribe from your preferences.',
    preferences: 'Your preferences',
    save: 'Save',
    saved: 'Preferences saved.',
    bounced:
      'Mail to your address failed permanently, so the newsletter is no longer sent to ' +
      'it. Subscribe again from the newsletter page to receive it.',
    stateUnsubscribed: 'You are currently unsubscribed: saving resubscribes you.',
    archive: 'Past issues',
    archiveEmpty: 'No issue yet.',
    issueOf: (d: string) => `Issue of ${d}`,
    moreStories: (n: number) => (n === 1 ? 'and 1 more story' : `and ${n} more stories`),
    stories: (n: number) => (n === 1 ? '1 story' : `${n} stories`),
    events: (n: number) => (n === 1 ? '1 event' : `${n} events`),
    news: 'News',
    agenda: 'Coming weeks',
    notFound: 'Issue not found',
  },
});

export interface Options {
  networks: Array<{ slug: string; name: string }>;
  tags: string[];
  territories: string[];
}

interface Page {
  lang: Lang;
  hubTitle: string;
  path: string;
  /** `lang=xx` when the reader chose a language by URL: the menu's links keep it. */
  langParam?: string;
}

const archiveAlternate = (hubTitle: string) => [
  {
    type: 'application/rss+xml' as const,
    title: `${hubTitle} — ${t('fr').archive}`,
    href: '/newsletter/archive.xml',
  },
];

function ChoiceFields(p: {
  lang: Lang;
  options: Options;
  choices: DigestChoices;
  frequency: 'daily' | 'weekly';
  mailLang: Lang;
}) {
  const m = t(p.lang);
  const box = (name: string, value: string, label: string, checked: boolean) => (
    <label style="display:block">
      <input type="checkbox" name={name} value={value} checked={checked} /> {label}
    </label>
  );
  return (
    <>
      <fieldset>
        <legend>{m.frequency}</legend>
        <label style="display:block">
          <input type="radio" name="frequency" value="weekly" checked={p.frequency === 'weekly'} />{' '}
          {m.weekly}
        </label>
        <label style="display:block">
          <input type="radio" name="frequency" value="daily" checked={p.frequency === 'daily'} />{' '}
          {m.daily}
        </label>
      </fieldset>
      <p>
        <label>
          {m.language}{' '}
          <select name="lang">
            <option value="fr" selected={p.mailLang === 'fr'}>
              Français
            </option>
            <option value="en" selected={p.mailLang === 'en'}>
              English
            </option>
          </select>
        </label>
      </p>
      <fieldset>
        <legend>{m.follow}</legend>
        {p.options.networks.length > 0 && (
          <details open>
            <summary>{m.networks}</summary>
            {p.options.networks.map((n) =>
              box('network', n.slug, n.name, p.choices.networks.includes(n.slug)),
            )}
          </details>
        )}
        {p.options.tags.length > 0 && (
          <details open>
            <summary>{m.tags}</summary>
            {p.options.tags.map((x) => box('tag', x, x, p.choices.tags.includes(x)))}
          </details>
        )}
        {p.options.territories.length > 0 && (
          <details open>
            <summary>{m.territories}</summary>
            {p.options.territories.map((x) =>
              box('territory', x, x, p.choices.territories.includes(x)),
            )}
          </details>
        )}
      </fieldset>
    </>
  );
}

/** What the visitor typed, shown again after an error (nothing is lost). */
export interface SubscribeValues {
  email: string;
  choices: DigestChoices;
  frequency: 'daily' | 'weekly';
  mailLang: Lang;
}

export function SubscribePage(
  p: Page & { options: Options; error?: string; values?: SubscribeValues },
) {
  const m = t(p.lang);
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={m.title}
      path={p.path}
      langParam={p.langParam}
      alternates={archiveAlternate(p.hubTitle)}
    >
      <h1>{m.title}</h1>
      <p>{m.lead}</p>
      {p.error && (
        <p class="bad" role="alert">
          {p.error}
        </p>
      )}
      <form method="post" action={hubHref('/newsletter/subscribe', p.langParam ?? '')}>
        <p>
          <label>
            {m.email}
            <br />
            <input
              type="email"
              name="email"
              required
              autocomplete="email"
              size={40}
              style="max-width:100%"
              value={p.values?.email ?? ''}
            />
          </label>
        </p>
        {/* Honeypot: hidden from people (and from screen readers), filled by naive bots. */}
        <p style="position:absolute;left:-9999px" aria-hidden="true">
          <label>
            {m.honeypot} <input type="text" name="website" tabindex={-1} autocomplete="off" />
          </label>
        </p>
        <ChoiceFields
          lang={p.lang}
          options={p.options}
          choices={p.values?.choices ?? { networks: [], tags: [], territories: [] }}
          frequency={p.values?.frequency ?? 'weekly'}
          mailLang={p.values?.mailLang ?? p.lang}
        />
        <p>
          <button type="submit">{m.subscribe}</button>
        </p>
        <p class="muted">{m.privacy}</p>
      </form>
      <p>
        <a href={hubHref('/newsletter/archive', p.langParam ?? '')}>{m.archive}</a>
      </p>
    </Layout>
  );
}

export function UnsubscribePage(p: Page & { token: string }) {
  const m = t(p.lang);
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={m.unsubscribeTitle}
      path={p.path}
      langParam={p.langParam}
    >
      <h1>{m.unsubscribeTitle}</h1>
      {/* A button, not an action on GET: link scanners that open every link must not unsubscribe anyone. */}
      <form method="post" action={hubHref(`/newsletter/unsubscribe/${p.token}`, p.langParam ?? '')}>
        <p>{m.unsubscribeText}</p>
        <p>
          <button type="submit">{m.unsubscribeButton}</button>
        </p>
      </form>
      <p>
        <a href={hubHref(`/newsletter/preferences/${p.token}`, p.langParam ?? '')}>
          {m.managePrefs}
        </a>
      </p>
    </Layout>
  );
}

export function PreferencesPage(
  p: Page & {
    token: string;
    options: Options;
    choices: DigestChoices;
    frequency: 'daily' | 'weekly';
    mailLang: Lang;
    status: 'active' | 'unsubscribed' | 'bounced';
    saved?: boolean;
  },
) {
  const m = t(p.lang);
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={m.preferences}
      path={p.path}
      langParam={p.langParam}
    >
      <h1>{m.preferences}</h1>
      {p.saved && (
        <p class="ok" role="status">
          {m.saved}
        </p>
      )}
      {p.status === 'bounced' && <p class="bad">{m.bounced}</p>}
      {p.status === 'unsubscribed' && <p class="bad">{m.stateUnsubscribed}</p>}
      <form method="post" action={hubHref(`/newsletter/preferences/${p.token}`, p.langParam ?? '')}>
        <ChoiceFields
          lang={p.lang}
          options={p.options}
          choices={p.choices}
          frequency={p.frequency}
          mailLang={p.mailLang}
        />
        <p>
          <button type="submit">{m.save}</button>
        </p>
      </form>
      {p.status === 'active' && (
        <p>
          <a href={hubHref(`/newsletter/unsubscribe/${p.token}`, p.langParam ?? '')}>
            {m.unsubscribeTitle}
          </a>
        </p>
      )}
    </Layout>
  );
}

export interface ArchiveEntry {
  id: number;
  date: number;
  storyCount: number;
  eventCount: number;
}

export function ArchivePage(p: Page & { timezone: string; issues: ArchiveEntry[] }) {
  const m = t(p.lang);
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={m.archive}
      path={p.path}
      langParam={p.langParam}
      alternates={archiveAlternate(p.hubTitle)}
    >
      <h1>{m.archive}</h1>
      <p>
        <a href={hubHref('/newsletter', p.langParam ?? '')}>{m.title}</a> ·{' '}
        <a href="/newsletter/archive.xml">RSS</a>
      </p>
      {p.issues.length === 0 ? (
        <p>{m.archiveEmpty}</p>
      ) : (
        <ul class="river">
          {p.issues.map((i) => (
            <li>
              <a href={hubHref(`/newsletter/archive/${i.id}`, p.langParam ?? '')}>
                {m.issueOf(formatDay(i.date, p.lang, p.timezone))}
              </a>{' '}
              <span class="muted">
                {m.stories(i.storyCount)} · {m.events(i.eventCount)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function IssuePage(
  p: Page & {
    timezone: string;
    date: number;
    content: DigestContent;
    networkName: (slug: string) => string;
  },
) {
  const m = t(p.lang);
  const safe = (u: string | null) => (u && /^https?:\/\//i.test(u) ? u : undefined);
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={m.issueOf(formatDay(p.date, p.lang, p.timezone))}
      path={p.path}
      langParam={p.langParam}
      alternates={archiveAlternate(p.hubTitle)}
    >
      <h1>{m.issueOf(formatDay(p.date, p.lang, p.timezone))}</h1>
      <p>
        <a href={hubHref('/newsletter/archive', p.langParam ?? '')}>{m.archive}</a>
      </p>
      {p.content.groups.length > 0 && <h2>{m.news}</h2>}
      {p.content.groups.map((g) => (
        <section>
          <h3>{g.title}</h3>
          <ul class="river">
            {g.stories.map((s) => (
              <li>
                {safe(s.url) ? (
                  <a href={safe(s.url)}>
                    <strong>{s.title}</strong>
                  </a>
                ) : (
                  <strong>{s.title}</strong>
                )}
                {s.summary && <p>{s.summary}</p>}
                {s.networks.length > 1 && (
                  <p class="tags">{s.networks.map(p.networkName).join(', ')}</p>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {(p.content.moreStories ?? 0) > 0 && (
        <p>
          <a href={hubHref('/', p.langParam ?? '')}>{m.moreStories(p.content.moreStories!)}</a>
        </p>
      )}
      {p.content.events.length > 0 && (
        <section>
          <h2>{m.agenda}</h2>
          <ul class="river">
            {p.content.events.map((e) => (
              <li>
                <a
                  href={
                    safe(e.url) ?? hubHref(`/events/${encodeURIComponent(e.id)}`, p.langParam ?? '')
                  }
                >
                  <strong>{e.title}</strong>
                </a>
                <p>
                  {formatEventTime(e, p.lang, p.timezone)}
                  {e.location ? ` · ${e.location}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}
