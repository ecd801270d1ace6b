/**
 * GET/POST /networks/propose: a member network proposes itself. Abuse: a honeypot field (a
 * filled one gets the same thanks, and nothing is stored) and limits per client (5 an hour) and
 * per contact address (3 a day), counted in the database like the newsletter's (works on D1).
 */
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import { pageContext } from '../web/page-context.ts';
import { readRequestCapped } from '../shared/read-capped.ts';
import { isHttpUrl } from './networks-file.ts';
import { checkEmail, clientKey, mailboxKey } from '../newsletter/subscription/lifecycle.ts';
import { hitRateLimit } from '../newsletter/subscription/rate-limit.ts';
import { newsletterSecret } from '../newsletter/subscription/secret.ts';
import { recordProposal } from './proposals.ts';
import { ProposePage, pt, ThanksPage, type ProposeValues } from './propose-page.tsx';

export const PER_CLIENT = { max: 5, windowMs: 3600_000 };
export const PER_ADDRESS = { max: 3, windowMs: 86_400_000 };
const MAX_FORM_BYTES = 16 * 1024;

export const proposeRoutes = new Hono<HubEnv>();

proposeRoutes.get('/networks/propose', async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.html(<ProposePage x={await pageContext(c)} />);
});

async function readForm(c: HubContext): Promise<FormData | null> {
  const bytes = await readRequestCapped(c.req.raw, MAX_FORM_BYTES);
  if (bytes === null) return null;
  try {
    return await new Request(c.req.url, {
      method: 'POST',
      headers: { 'content-type': c.req.header('content-type') ?? '' },
      body: bytes as Uint8Array<ArrayBuffer>,
    }).formData();
  } catch {
    return new FormData();
  }
}

proposeRoutes.post('/networks/propose', async (c) => {
  const x = await pageContext(c);
  const m = pt(x.lang);
  c.header('Cache-Control', 'no-store');
  const form = await readForm(c);
  if (!form) return c.html(<ProposePage x={x} error={m.missing(m.name)} />, 413);
  const text = (name: string, max: number) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim().slice(0, max) : '';
  };
  const values: ProposeValues = {
    name: text('name', 200),
    site: text('site', 500),
    email: text('email', 320),
    territory: text('territory', 200),
    description: text('description', 1000),
  };
  const again = (error: string, status: 400 | 429) =>
    c.html(<ProposePage x={x} values={values} error={error} />, status);
  if (text('website', 500)) return c.html(<ThanksPage x={x} />);
  if (!values.name) return again(m.missing(m.name), 400);
  if (!isHttpUrl(values.site)) return again(m.badSite, 400);
  const checked = checkEmail(values.email);
  if (!('email' in checked)) return again(m.badEmail, 400);
  const deps = x.deps;
  const secret = await newsletterSecret(deps);
  const now = deps.clock.now().getTime();
  const ip = clientKey(deps.clientAddress(c.req.raw, c.env));
  if (
    (await hitRateLimit(deps, secret, `propose-ip:${ip}`, PER_CLIENT, now)) ||
    (await hitRateLimit(deps, secret, `propose:${mailboxKey(checked.email)}`, PER_ADDRESS, now))
  ) {
    c.header('Retry-After', '3600');
    return again(m.tooMany, 429);
  }
  await recordProposal(deps, {
    name: values.name,
    site: values.site,
    email: checked.email,
    territory: values.territory || null,
    description: values.description || null,
  });
  return c.html(<ThanksPage x={x} />);
});
