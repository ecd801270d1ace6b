/** The sign-in page (admin token, or an emailed link for coordinators) and the link's page. */
import { defineMessages } from '../web/i18n.ts';
import { adminHref, type AdminContext } from './context.ts';
import { AdminLayout, CsrfField, Notice } from './layout.tsx';

export const loginText = defineMessages({
  fr: {
    title: 'Connexion à la console',
    intro:
      'La console sert aux coordinateurs de la fédération : réseaux, propositions, ' +
      'fusions, lettre.',
    token: 'Jeton d’administration',
    tokenHelp: 'La valeur du réglage HUB_ADMIN_TOKEN.',
    tokenOff: 'La connexion par jeton est désactivée : définissez HUB_ADMIN_TOKEN pour l’activer.',
    signIn: 'Se connecter',
    byMail: 'Recevoir un lien de connexion',
    email: 'Votre adresse électronique',
    emailHelp:
      'Pour les coordinateurs listés dans networks.yaml (hub.coordinators) : ' +
      'un lien valable 15 minutes, utilisable une fois.',
    send: 'Envoyer le lien',
    mailOff: 'L’envoi de courriels n’est pas configuré : la connexion par lien est indisponible.',
    noCoordinators:
      'Aucun coordinateur n’est déclaré (hub.coordinators dans networks.yaml) : ' +
      'la connexion par lien est indisponible.',
    wrongToken: 'Jeton incorrect.',
    tooMany: 'Trop de tentatives : réessayez dans une heure.',
    linkSent:
      'Si cette adresse est celle d’un coordinateur, ' +
      'un lien de connexion vient de lui être envoyé. ' +
      'Il est valable 15 minutes.',
    badEmail: 'Adresse électronique invalide.',
    linkTitle: 'Lien de connexion',
    linkIntro: 'Ce lien ne sert qu’une fois : appuyez sur le bouton pour ouvrir votre session.',
    linkBad:
      'Ce lien de connexion n’est plus valable (déjà utilisé ou plus de 15 minutes). ' +
      'Demandez-en un nouveau.',
    askAgain: 'Demander un nouveau lien',
    signedOut: 'Vous êtes déconnecté·e.',
    mailSubject: (hub: string) => `Votre lien de connexion à la console de ${hub}`,
    mailBody: (hub: string, link: string) =>
      `Bonjour,\n\nPour ouvrir la console de ${hub}, suivez ce lien (valable 15 minutes, ` +
      `utilisable une fois) :\n\n${link}\n\nSi vous n’avez rien demandé, ignorez ce message.`,
  },
  en: {
    title: 'Sign in to the console',
    intro:
      'The console is for the federation’s coordinators: networks, proposals, merges, newsletter.',
    token: 'Admin token',
    tokenHelp: 'The value of the HUB_ADMIN_TOKEN setting.',
    tokenOff: 'Signing in with a token is off: set HUB_ADMIN_TOKEN to turn it on.',
    signIn: 'Sign in',
    byMail: 'Get a sign-in link',
    email: 'Your email address',
    emailHelp:
      'For the coordinators listed in networks.yaml (hub.coordinators): ' +
      'a link valid for 15 minutes, usable once.',
    send: 'Send the link',
    mailOff: 'Email is not configured: sign-in links are unavailable.',
    noCoordinators:
      'No coordinator is declared (hub.coordinators in ' +
      'networks.yaml): sign-in links are unavailable.',
    wrongToken: 'Wrong token.',
    tooMany: 'Too many attempts: try again in an hour.',
    linkSent:
      'If this address is a coordinator’s, a sign-in link ' +
      'was just sent to it. It is valid for 15 minutes.',
    badEmail: 'Invalid email address.',
    linkTitle: 'Sign-in link',
    linkIntro: 'This link works once: press the button to open your session.',
    linkBad:
      'This sign-in link is no longer valid (already ' +
      'used or older than 15 minutes). Ask for a new one.',
    askAgain: 'Ask for a new link',
    signedOut: 'You are signed out.',
    mailSubject: (hub: string) => `Your sign-in link to the ${hub} console`,
    mailBody: (hub: string, link: string) =>
      `Hello,\n\nTo open the ${hub} console, follow this link (valid for 15 minutes, ` +
      `usable once):\n\n${link}\n\nIf you did not ask for it, ignore this message.`,
  },
});

export interface LoginState {
  tokenOn: boolean;
  mailOn: boolean;
  hasCoordinators: boolean;
  error?: string;
  info?: string;
  email?: string;
}

export function LoginPage(p: { x: AdminContext; state: LoginState }) {
  const m = loginText(p.x.lang);
  const s = p.state;
  return (
    <AdminLayout x={p.x} title={m.title}>
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      {s.error ? <Notice tone="bad">{s.error}</Notice> : null}
      {s.info ? <Notice tone="ok">{s.info}</Notice> : null}
      {s.tokenOn ? (
        <form method="post" action={adminHref(p.x, '/admin/login')} class="stack">
          <CsrfField x={p.x} />
          <label>
            {m.token}
            <input
              type="password"
              name="token"
              required
              autocomplete="current-password"
              aria-describedby="token-help"
            />
          </label>
          <span id="token-help" class="muted">
            {m.tokenHelp}
          </span>
          <button type="submit">{m.signIn}</button>
        </form>
      ) : (
        <p class="muted">{m.tokenOff}</p>
      )}
      <h2>{m.byMail}</h2>
      {!s.mailOn ? (
        <p class="muted">{m.mailOff}</p>
      ) : !s.hasCoordinators ? (
        <p class="muted">{m.noCoordinators}</p>
      ) : (
        <form method="post" action={adminHref(p.x, '/admin/login/email')} class="stack">
          <CsrfField x={p.x} />
          <label>
            {m.email}
            <input
              type="email"
              name="email"
              required
              autocomplete="email"
              value={s.email ?? ''}
              aria-describedby="email-help"
            />
          </label>
          <span id="email-help" class="muted">
            {m.emailHelp}
          </span>
          <button type="submit">{m.send}</button>
        </form>
      )}
    </AdminLayout>
  );
}

export function LinkPage(p: { x: AdminContext; token: string; bad?: boolean }) {
  const m = loginText(p.x.lang);
  return (
    <AdminLayout x={p.x} title={m.linkTitle}>
      <h1>{m.linkTitle}</h1>
      {p.bad ? (
        <>
          <Notice tone="bad">{m.linkBad}</Notice>
          <p>
            <a href={adminHref(p.x, '/admin/login')}>{m.askAgain}</a>
          </p>
        </>
      ) : (
        <form
          method="post"
          action={adminHref(p.x, `/admin/login/link/${encodeURIComponent(p.token)}`)}
          class="stack"
        >
          <CsrfField x={p.x} />
          <p>{m.linkIntro}</p>
          <button type="submit">{m.signIn}</button>
        </form>
      )}
    </AdminLayout>
  );
}
