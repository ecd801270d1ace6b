/**
 * A page that only says something: not found, bad request, or a step's outcome (subscribed,
 * unsubscribed). One body for every feature, in the look of the other pages.
 */
import type { Child } from 'hono/jsx';
import { Layout } from './layout.tsx';
import type { Lang } from './i18n.ts';
import { hubHref } from './links.ts';
import type { PageContext } from './page-context.ts';

/** What the page shell needs to know of the request. */
export interface PageShell {
  lang: Lang;
  hubTitle: string;
  /** Path + query without lang (for the language switch). */
  path: string;
  /** `lang=xx` when the reader chose a language by URL, else ''. */
  langParam?: string;
}

/** The shell of a page context (the newsletter builds its own). */
export function shellOf(x: PageContext): PageShell {
  return { lang: x.lang, hubTitle: x.hub.title, path: x.path, langParam: x.langParam };
}

export interface MessagePageProps extends PageShell {
  title: string;
  text: string;
  /** `bad` for a problem (announced to screen readers), `ok` for a success. */
  status?: 'ok' | 'bad';
  /** Where to go on from here. */
  link?: { href: string; label: string };
  /** After the message, e.g. the form to try again. */
  children?: Child;
}

export function MessagePage({ title, text, status, link, children, ...shell }: MessagePageProps) {
  const role = status === 'bad' ? 'alert' : status === 'ok' ? 'status' : undefined;
  return (
    <Layout {...shell} title={title}>
      <h1>{title}</h1>
      <p class={status ? `notice ${status}` : undefined} role={role}>
        {text}
      </p>
      {children}
      {link ? (
        <p>
          <a href={hubHref(link.href, shell.langParam ?? '')}>{link.label}</a>
        </p>
      ) : null}
    </Layout>
  );
}
