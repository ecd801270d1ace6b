/**
 * /demo/mailbox (demo only: 404 when the hub has no mail catcher): the messages the demo
 * "sent", newest first; /demo/mailbox/:id one message (its text with clickable links);
 * /demo/mailbox/:id/html its HTML part as the recipient's mail client would show it.
 */
import { hubHref } from '../web/links.ts';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { HubContext, HubEnv } from '../http.ts';
import { Layout } from '../web/layout.tsx';
import { defineMessages, formatDateTime } from '../web/i18n.ts';
import { pageContext, type PageContext } from '../web/page-context.ts';

const t = defineMessages({
  fr: {
    title: 'Boîte aux lettres de la démo',
    intro:
      'La démo n’envoie aucun courriel : elle garde ici ce qu’elle aurait envoyé (confirmations ' +
      'd’inscription, lettres, liens de connexion à la console).',
    empty: 'Aucun message pour l’instant. Inscrivez-vous à la lettre pour en recevoir un.',
    to: 'À',
    from: 'De',
    date: 'Date',
    subject: 'Objet',
    html: 'Voir la version HTML (telle qu’un logiciel de messagerie l’affiche)',
    text: 'Version texte',
    back: 'Tous les messages',
    notFound: 'Message introuvable',
  },
  en: {
    title: 'Demo mailbox',
    intro:
      'The demo sends no email: it keeps here what it would have sent (subscription ' +
      'confirmations, digests, console sign-in links).',
    empty: 'No message yet. Subscribe to the newsletter to get one.',
    to: 'To',
    from: 'From',
    date: 'Date',
    subject: 'Subject',
    html: 'See the HTML version (as a mail client shows it)',
    text: 'Text version',
    back: 'All messages',
    notFound: 'Message not found',
  },
});

export const mailboxRoutes = new Hono<HubEnv>();

function page(x: PageContext, title: string, body: Child) {
  return (
    <Layout
      lang={x.lang}
      hubTitle={x.hub.title}
      title={title}
      path={x.path}
      langParam={x.langParam}
    >
      {body}
    </Layout>
  );
}

mailboxRoutes.get('/demo/mailbox', async (c, next) => {
  const box = c.get('deps').mailbox;
  if (!box) return next();
  const x = await pageContext(c);
  const m = t(x.lang);
  const mails = box.list();
  c.header('Cache-Control', 'no-store');
  return c.html(
    page(
      x,
      m.title,
      <>
        <h1>{m.title}</h1>
        <p>{m.intro}</p>
        {mails.length ? (
          <ul class="river">
            {mails.map((mail) => (
              <li>
                <a href={hubHref(`/demo/mailbox/${mail.id}`, x.langParam)}>{mail.subject}</a>
                <span class="meta">
                  {' '}
                  · {m.to} {mail.to} ·{' '}
                  {formatDateTime(new Date(mail.at), x.lang, x.hub.timezone, {
                    dateStyle: 'short',
                    timeStyle: 'medium',
                  })}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{m.empty}</p>
        )}
      </>,
    ),
  );
});

function findMail(c: HubContext) {
  const box = c.get('deps').mailbox;
  const raw = c.req.param('id') ?? '';
  if (!box || !/^\d{1,9}$/.test(raw)) return null;
  return box.get(Number(raw));
}

mailboxRoutes.get('/demo/mailbox/:id/html', async (c, next) => {
  const mail = findMail(c);
  if (!mail) return next();
  c.header('Cache-Control', 'no-store');
  // The message's own HTML, under the pages' policy (web/security-headers.ts): no scripts run,
  // as in a mail client.
  return c.html(mail.html);
});

mailboxRoutes.get('/demo/mailbox/:id', async (c, next) => {
  const mail = findMail(c);
  if (!mail) return next();
  const x = await pageContext(c);
  const m = t(x.lang);
  c.header('Cache-Control', 'no-store');
  return c.html(
    page(
      x,
      mail.subject,
      <>
        <p>
          <a href={hubHref('/demo/mailbox', x.langParam)}>{m.back}</a>
        </p>
        <h1>{mail.subject}</h1>
        <dl class="facts">
          <dt>{m.from}</dt>
          <dd>{mail.from}</dd>
          <dt>{m.to}</dt>
          <dd>{mail.to}</dd>
          <dt>{m.date}</dt>
          <dd>{formatDateTime(new Date(mail.at), x.lang, x.hub.timezone)}</dd>
        </dl>
        {mail.html ? (
          <p>
            <a href={`/demo/mailbox/${mail.id}/html`}>{m.html}</a>
          </p>
        ) : null}
        <h2>{m.text}</h2>
        <pre class="mail-text">{linkified(mail.text)}</pre>
      </>,
    ),
  );
});

/** The text with its http(s) addresses as links (JSX escapes the rest). */
function linkified(text: string) {
  const parts: Child[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g)) {
    parts.push(text.slice(last, match.index));
    parts.push(<a href={match[0]}>{match[0]}</a>);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
