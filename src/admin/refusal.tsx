/** The console's refusals as pages in the reader's language (a form without its token, too large…). */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HubContext } from '../http.ts';
import { defineMessages } from '../web/i18n.ts';
import { adminContext, adminHref } from './context.ts';
import { AdminLayout, Notice } from './layout.tsx';

const t = defineMessages({
  fr: {
    csrf: 'Formulaire refusé',
    csrfText:
      'Ce formulaire n’a pas été envoyé depuis la console (jeton de sécurité absent ou périmé). ' +
      'Rechargez la page et recommencez.',
    signedOut: 'Connexion nécessaire',
    signedOutText:
      'Votre session a expiré ou vous vous êtes déconnecté·e. Connectez-vous à nouveau.',
    tooLarge: 'Formulaire trop volumineux',
    tooLargeText: 'Le formulaire envoyé dépasse 64 Ko : il n’a pas été lu.',
    back: 'Retour à la console',
  },
  en: {
    csrf: 'Form refused',
    csrfText:
      'This form was not sent from the console (security token missing or stale). ' +
      'Reload the page and try again.',
    signedOut: 'Sign-in needed',
    signedOutText: 'Your session expired or you signed out. Please sign in again.',
    tooLarge: 'Form too large',
    tooLargeText: 'The form sent is larger than 64 KB: it was not read.',
    back: 'Back to the console',
  },
});

export async function refusalPage(
  c: HubContext,
  kind: 'csrf' | 'signedOut' | 'tooLarge',
  status: ContentfulStatusCode,
): Promise<Response> {
  const x = await adminContext(c);
  const m = t(x.lang);
  return c.html(
    <AdminLayout x={x} title={m[kind]}>
      <h1>{m[kind]}</h1>
      <Notice tone="bad">{m[`${kind}Text`]}</Notice>
      <p>
        <a href={adminHref(x, '/admin')}>{m.back}</a>
      </p>
    </AdminLayout>,
    status,
  );
}
