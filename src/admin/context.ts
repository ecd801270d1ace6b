/** What every console handler starts from: the page context, the session and the CSRF token. */
import { hubHref } from '../web/links.ts';
import type { HubContext } from '../http.ts';
import { pageContext, type PageContext } from '../web/page-context.ts';
import { csrfToken } from './csrf.ts';
import type { Session } from './session.ts';

export interface AdminContext extends PageContext {
  csrf: string;
  session: Session | null;
}

const sessions = new WeakMap<Request, Session | null>();
const forms = new WeakMap<Request, FormData>();

/** Remembered by the guard for the handlers of the same request. */
export function rememberSession(c: HubContext, session: Session | null): void {
  sessions.set(c.req.raw, session);
}

/** The form the CSRF check already read (bodies can be read once). */
export function rememberForm(c: HubContext, form: FormData): void {
  forms.set(c.req.raw, form);
}

export function postedForm(c: HubContext): FormData {
  return forms.get(c.req.raw) ?? new FormData();
}

/** A form field as trimmed text ('' when absent or not text). */
export function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

export async function adminContext(c: HubContext): Promise<AdminContext> {
  const page = await pageContext(c);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return { ...page, csrf: await csrfToken(c), session: sessions.get(c.req.raw) ?? null };
}

/** A console path with the reader's explicit language kept. */
export function adminHref(x: Pick<PageContext, 'langParam'>, path: string): string {
  return hubHref(path, x.langParam);
}
