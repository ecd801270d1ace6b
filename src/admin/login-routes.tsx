/**
 * Signing in and out of the console:
 * - GET  /admin/login                  the page (token form, emailed link form)
 * - POST /admin/login                  token → session cookie
 * - POST /admin/login/email            a single-use link to a coordinator (same answer for anyone)
 * - GET  /admin/login/link/:token      a button that spends the link (mail scanners only GET)
 * - POST /admin/login/link/:token      the link → session cookie
 * - POST /admin/logout
 */
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import { constantTimeEqual } from '../web/admin-auth.ts';
import { hitRateLimit } from '../newsletter/subscription/rate-limit.ts';
import { newsletterSecret } from '../newsletter/subscription/secret.ts';
import { adminContext, adminHref, field, postedForm } from './context.ts';
import { endSession, startSession } from './session.ts';
import { consumeLoginLink, createLoginLink } from './login-links.ts';
import { recordFailedSignIn, signInBlocked } from './attempts.ts';
import { LinkPage, LoginPage, loginText, type LoginState } from './login-pages.tsx';

export const loginRoutes = new Hono<HubEnv>();

/** The client's address as the runtime vouches for it (deps.clientAddress: never a bare header). */
const clientIp = (c: HubContext) => c.get('deps').clientAddress(c.req.raw, c.env);

/** Link requests per client and per address per hour: enough for typos, not for mail bombing. */
const ATTEMPTS = { max: 10, windowMs: 3600_000 };

async function state(c: HubContext, extra: Partial<LoginState> = {}): Promise<LoginState> {
  const deps = c.get('deps');
  const x = await adminContext(c);
  return {
    tokenOn: !!deps.config.adminToken,
    mailOn: !!deps.mailer,
    hasCoordinators: (x.hub.coordinators ?? []).length > 0,
    ...extra,
  };
}

async function limited(c: HubContext, key: string): Promise<boolean> {
  const deps = c.get('deps');
  return hitRateLimit(
    deps,
    await newsletterSecret(deps),
    key,
    ATTEMPTS,
    deps.clock.now().getTime(),
  );
}

loginRoutes.get('/admin', async (c) => {
  const x = await adminContext(c);
  return c.redirect(adminHref(x, x.session ? '/admin/networks' : '/admin/login'), 303);
});

loginRoutes.get('/admin/login', async (c) => {
  const x = await adminContext(c);
  if (x.session) return c.redirect(adminHref(x, '/admin/networks'), 303);
  const m = loginText(x.lang);
  const info = c.req.query('out') === '1' ? m.signedOut : undefined;
  return c.html(<LoginPage x={x} state={await state(c, { info })} />);
});

loginRoutes.post('/admin/login', async (c) => {
  const deps = c.get('deps');
  const x = await adminContext(c);
  const m = loginText(x.lang);
  const expected = deps.config.adminToken;
  const given = field(postedForm(c), 'token');
  const ip = clientIp(c);
  if (await signInBlocked(deps, ip)) {
    c.header('Retry-After', '3600');
    return c.html(<LoginPage x={x} state={await state(c, { error: m.tooMany })} />, 429);
  }
  if (!expected || !given || !(await constantTimeEqual(given, expected))) {
    await recordFailedSignIn(deps, ip);
    return c.html(<LoginPage x={x} state={await state(c, { error: m.wrongToken })} />, 401);
  }
  await startSession(c, 'token');
  return c.redirect(adminHref(x, '/admin/networks'), 303);
});

loginRoutes.post('/admin/login/email', async (c) => {
  const deps = c.get('deps');
  const x = await adminContext(c);
  const m = loginText(x.lang);
  const email = field(postedForm(c), 'email').toLowerCase();
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]+$/.test(email))
    return c.html(<LoginPage x={x} state={await state(c, { error: m.badEmail, email })} />, 400);
  if (
    (await limited(c, `admin-link-ip:${clientIp(c)}`)) ||
    (await limited(c, `admin-link:${email}`))
  ) {
    c.header('Retry-After', '3600');
    return c.html(<LoginPage x={x} state={await state(c, { error: m.tooMany, email })} />, 429);
  }
  // Everyone gets the same answer: the page does not tell who is a coordinator.
  if (deps.mailer && (x.hub.coordinators ?? []).includes(email)) {
    const token = await createLoginLink(deps, email);
    const link = `${x.hub.baseUrl}/admin/login/link/${token}`;
    const text = m.mailBody(x.hub.title, link);
    const result = await deps.mailer.send({
      to: email,
      subject: m.mailSubject(x.hub.title),
      text,
      html: `<p>${text
        .split('\n\n')
        .map((para) =>
          para === link ? `<a href="${link}">${link}</a>` : para.replace(/[<>&]/g, ''),
        )
        .join('</p><p>')}</p>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    if (!result.ok) deps.log.warn('sign-in link not sent', { error: result.error });
  }
  return c.html(<LoginPage x={x} state={await state(c, { info: m.linkSent })} />);
});

loginRoutes.get('/admin/login/link/:token', async (c) => {
  const x = await adminContext(c);
  return c.html(<LinkPage x={x} token={c.req.param('token')} />);
});

loginRoutes.post('/admin/login/link/:token', async (c) => {
  const x = await adminContext(c);
  const email = await consumeLoginLink(c.get('deps'), c.req.param('token'));
  if (!email) return c.html(<LinkPage x={x} token="" bad />, 410);
  await startSession(c, email);
  return c.redirect(adminHref(x, '/admin/networks'), 303);
});

loginRoutes.post('/admin/logout', async (c) => {
  const x = await adminContext(c);
  endSession(c);
  return c.redirect(adminHref(x, '/admin/login?out=1'), 303);
});
