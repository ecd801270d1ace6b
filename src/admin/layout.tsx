/** The console's page shell: the public layout, the console's own menu and a sign-out button. */
import type { Child } from 'hono/jsx';
import { Layout } from '../web/layout.tsx';
import { defineMessages } from '../web/i18n.ts';
import { adminHref, type AdminContext } from './context.ts';
import { CSRF_FIELD } from './csrf.ts';

const t = defineMessages({
  fr: {
    console: 'Console des coordinateurs',
    menu: 'Menu de la console',
    networks: 'Réseaux',
    proposals: 'Propositions',
    merges: 'Fusions',
    newsletter: 'Lettre',
    federation: 'Fichier de la fédération',
    signOut: 'Se déconnecter',
    signedInAs: (who: string) =>
      who === 'token' ? 'Connecté·e avec le jeton d’administration' : `Connecté·e : ${who}`,
  },
  en: {
    console: 'Coordinators’ console',
    menu: 'Console menu',
    networks: 'Networks',
    proposals: 'Proposals',
    merges: 'Merges',
    newsletter: 'Newsletter',
    federation: 'Federation file',
    signOut: 'Sign out',
    signedInAs: (who: string) =>
      who === 'token' ? 'Signed in with the admin token' : `Signed in: ${who}`,
  },
});

/** The CSRF token every console form carries. */
export function CsrfField(p: { x: Pick<AdminContext, 'csrf'> }) {
  return <input type="hidden" name={CSRF_FIELD} value={p.x.csrf} />;
}

/** The console's sections, in menu order. */
const SECTIONS = ['networks', 'proposals', 'merges', 'newsletter', 'federation'] as const;

export function AdminLayout(p: { x: AdminContext; title: string; children?: Child }) {
  const m = t(p.x.lang);
  const x = p.x;
  return (
    <Layout
      lang={x.lang}
      hubTitle={x.hub.title}
      title={`${p.title} · ${m.console}`}
      path={x.path}
      langParam={x.langParam}
    >
      {x.session ? (
        <div class="console-bar">
          <nav aria-label={m.menu}>
            <ul>
              {SECTIONS.map((section) => (
                <li>
                  <a href={adminHref(x, `/admin/${section}`)}>{m[section]}</a>
                </li>
              ))}
            </ul>
          </nav>
          <form method="post" action={adminHref(x, '/admin/logout')} class="inline">
            <CsrfField x={x} />
            <span class="muted">{m.signedInAs(x.session.who)}</span>{' '}
            <button type="submit">{m.signOut}</button>
          </form>
        </div>
      ) : null}
      {p.children}
    </Layout>
  );
}

/** A short message block: ok (green), bad (red) or neutral. */
export function Notice(p: { tone?: 'ok' | 'bad' | 'warn'; children?: Child }) {
  return (
    <p class={`notice ${p.tone ?? ''}`} role={p.tone === 'bad' ? 'alert' : 'status'}>
      {p.children}
    </p>
  );
}
