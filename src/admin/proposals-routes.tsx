/**
 * The console's proposals: GET /admin/proposals; POST /admin/proposals/:id/approve (it becomes
 * a network with the feeds ticked) and /decline. The contact is told by email when the hub
 * can send mail.
 */
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import type { NetworkProposalRow } from '../db/schema/index.ts';
import { EditError } from '../federation/edit.ts';
import {
  approveProposal,
  decidedProposals,
  declineProposal,
  getProposal,
  pendingProposals,
} from '../federation/proposals.ts';
import { adminContext, adminHref, field, postedForm, type AdminContext } from './context.ts';
import { ProposalsPage, prt } from './proposals-page.tsx';

export const proposalsRoutes = new Hono<HubEnv>();

async function page(
  c: HubContext,
  x: AdminContext,
  extra: { errorFor?: { id: number; message: string } } = {},
) {
  const m = prt(x.lang);
  const done = c.req.query('done');
  const name = c.req.query('name') ?? '';
  const mailed = c.req.query('mailed') === '1' ? m.mailed : '';
  const words =
    done === 'approved'
      ? m.doneApproved(name) + mailed
      : done === 'declined'
        ? m.doneDeclined(name) + mailed
        : undefined;
  return (
    <ProposalsPage
      x={x}
      pending={await pendingProposals(x.deps)}
      decided={await decidedProposals(x.deps)}
      done={words}
      {...extra}
    />
  );
}

proposalsRoutes.get('/admin/proposals', async (c) => {
  const x = await adminContext(c);
  return c.html(await page(c, x));
});

async function pending(c: HubContext): Promise<NetworkProposalRow | null> {
  const raw = c.req.param('id') ?? '';
  if (!/^\d{1,9}$/.test(raw)) return null;
  const row = await getProposal(c.get('deps'), Number(raw));
  return row?.status === 'pending' ? row : null;
}

/** Tells the contact, when the hub can send mail; says whether it went out. */
async function tell(x: AdminContext, to: string, subject: string, text: string): Promise<boolean> {
  if (!x.deps.mailer) return false;
  const html = `<p>${text
    .replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch]!)
    .split('\n\n')
    .join('</p><p>')
    .replace(/\n/g, '<br>')}</p>`;
  const r = await x.deps.mailer.send({
    to,
    subject,
    text,
    html,
    headers: { 'Auto-Submitted': 'auto-replied' },
  });
  if (!r.ok) x.deps.log.warn('proposal answer not sent', { error: r.error });
  return r.ok;
}

function already(c: HubContext, x: AdminContext) {
  return c.redirect(adminHref(x, '/admin/proposals'), 303);
}

proposalsRoutes.post('/admin/proposals/:id/approve', async (c) => {
  const x = await adminContext(c);
  const row = await pending(c);
  if (!row) return already(c, x);
  const form = postedForm(c);
  const lines = (name: string) => form.getAll(name).map(String);
  const network = {
    slug: field(form, 'slug').toLowerCase(),
    name: field(form, 'name') || row.name,
    site: row.site,
    territory: field(form, 'territory') || null,
    tags: field(form, 'tags')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    description: row.description,
    feeds: lines('pick_feed'),
    agendas: lines('pick_agenda'),
  };
  try {
    if (!(await approveProposal(x.deps, row, network))) return already(c, x);
  } catch (err) {
    if (!(err instanceof EditError)) throw err;
    return c.html(await page(c, x, { errorFor: { id: row.id, message: err.message } }), 400);
  }
  const m = prt(x.hub.language);
  const url = `${x.hub.baseUrl}/networks/${network.slug}`;
  const mailed = await tell(
    x,
    row.email,
    m.approvedSubject(x.hub.title),
    m.approvedBody(network.name, x.hub.title, url),
  );
  const q = new URLSearchParams({
    done: 'approved',
    name: network.name,
    mailed: mailed ? '1' : '0',
  });
  return c.redirect(adminHref(x, `/admin/proposals?${q}`), 303);
});

proposalsRoutes.post('/admin/proposals/:id/decline', async (c) => {
  const x = await adminContext(c);
  const row = await pending(c);
  if (!row) return already(c, x);
  if (!(await declineProposal(x.deps, row))) return already(c, x);
  const m = prt(x.hub.language);
  const mailed = await tell(
    x,
    row.email,
    m.declinedSubject(x.hub.title),
    m.declinedBody(row.name, x.hub.title),
  );
  const q = new URLSearchParams({ done: 'declined', name: row.name, mailed: mailed ? '1' : '0' });
  return c.redirect(adminHref(x, `/admin/proposals?${q}`), 303);
});
