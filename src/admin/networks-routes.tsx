/**
 * The console's networks: list, add (with discovery), edit, pause, resume, retire, reinstate.
 * Every change goes through src/federation/edit.ts (the same sync as the file).
 */
import { allowEmbedPreviews } from '../embed/snippet-section.tsx';
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import { listNetworks } from '../federation/list.ts';
import { declarationOf, exportFederation, federationYaml } from '../federation/export.ts';
import { fileChanged, readFileState } from '../federation/file-state.ts';
import {
  addNetwork,
  EditError,
  reinstateNetwork,
  retireNetwork,
  setNetworkPaused,
  updateNetwork,
} from '../federation/edit.ts';
import type { NetworkDeclaration } from '../federation/networks-file.ts';
import { discoverSources } from '../ingest/discover-sources.ts';
import { IngestError } from '../ingest/types.ts';
import { adminContext, adminHref, field, postedForm, type AdminContext } from './context.ts';
import { isPaused, NetworksPage, type FederationWarning } from './networks-page.tsx';
import { AddNetworkPage, EditNetworkPage, type AddState } from './network-form.tsx';
import { doneText, nt } from './networks-text.ts';
import { suggestSlug } from './slug.ts';
import { AdminLayout, Notice } from './layout.tsx';

export const networksRoutes = new Hono<HubEnv>();

export async function federationWarning(c: HubContext): Promise<FederationWarning> {
  const deps = c.get('deps');
  const state = await readFileState(deps);
  const text = state.consoleEditedAt ? await deps.federationFile?.read() : null;
  return {
    consoleEditedAt: state.consoleEditedAt,
    fileChanged: !!text && (await fileChanged(deps, text)),
  };
}

networksRoutes.get('/admin/networks', async (c) => {
  const x = await adminContext(c);
  const done = c.req.query('done');
  const slug = c.req.query('slug') ?? '';
  const words = done ? doneText[x.lang][done] : undefined;
  return c.html(
    <NetworksPage
      x={x}
      networks={await listNetworks(x.deps, { includeInactive: true })}
      warning={await federationWarning(c)}
      done={words?.(slug)}
    />,
  );
});

networksRoutes.get('/admin/federation.yaml', async (c) => {
  const deps = c.get('deps');
  return c.body(federationYaml(await exportFederation(deps), deps.clock.now()), 200, {
    'Content-Type': 'text/yaml; charset=utf-8',
    'Content-Disposition': 'attachment; filename="networks.yaml"',
    'Cache-Control': 'no-store',
  });
});

const emptyDraft = (): NetworkDeclaration => ({
  slug: '',
  name: '',
  site: null,
  territory: null,
  tags: [],
  description: null,
  feeds: [],
  agendas: [],
});

networksRoutes.get('/admin/networks/new', async (c) => {
  const x = await adminContext(c);
  const address = (c.req.query('url') ?? '').trim();
  if (!address) return c.html(<AddNetworkPage x={x} s={{ address, draft: emptyDraft() }} />);
  const s = await discoveryState(x, address);
  return c.html(<AddNetworkPage x={x} s={s} />, s.error ? 400 : 200);
});

/** The add form after looking at an address: what it offers, a suggested name and slug. */
async function discoveryState(x: AdminContext, address: string): Promise<AddState> {
  try {
    const d = await discoverSources(x.deps, address);
    const name = d.title ?? new URL(d.url).hostname;
    const draft = { ...emptyDraft(), name, site: d.site, slug: suggestSlug(d.title ?? d.url) };
    return { address, found: d.found, draft };
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    return { address, error: nt(x.lang).cannotRead(err.message), draft: emptyDraft() };
  }
}

/** The declared fields of a posted add or edit form. */
function readDeclaration(form: FormData, slug: string): NetworkDeclaration {
  const lines = (name: string) =>
    field(form, name)
      .split(/[\r\n]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    slug,
    name: field(form, 'name'),
    site: field(form, 'site') || null,
    territory: field(form, 'territory') || null,
    tags: field(form, 'tags')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    description: field(form, 'description') || null,
    feeds: [...lines('feeds'), ...form.getAll('pick_feed').map(String)],
    agendas: [...lines('agendas'), ...form.getAll('pick_agenda').map(String)],
  };
}

networksRoutes.post('/admin/networks', async (c) => {
  const x = await adminContext(c);
  const form = postedForm(c);
  const n = readDeclaration(form, field(form, 'slug').toLowerCase());
  try {
    await addNetwork(x.deps, n);
  } catch (err) {
    if (!(err instanceof EditError)) throw err;
    // The form again, as typed, with what the address offered.
    const picked = new Set([...n.feeds, ...n.agendas]);
    const address = field(form, 'url');
    let found: AddState['found'] = [];
    try {
      found = address ? (await discoverSources(x.deps, address)).found : [];
    } catch {
      found = [];
    }
    return c.html(
      <AddNetworkPage x={x} s={{ address, found, picked, draft: n, error: err.message }} />,
      400,
    );
  }
  return c.redirect(adminHref(x, `/admin/networks?done=added&slug=${n.slug}#n-${n.slug}`), 303);
});

async function findNetwork(c: HubContext, slug: string) {
  const all = await listNetworks(c.get('deps'), { includeInactive: true });
  return all.find((n) => n.slug === slug) ?? null;
}

async function notFound(c: HubContext) {
  const x = await adminContext(c);
  const m = nt(x.lang);
  return c.html(
    <AdminLayout x={x} title={m.notFound}>
      <h1>{m.notFound}</h1>
      <p>
        <a href={adminHref(x, '/admin/networks')}>{m.back}</a>
      </p>
    </AdminLayout>,
    404,
  );
}

networksRoutes.get('/admin/networks/:slug', async (c) => {
  const n = await findNetwork(c, c.req.param('slug'));
  if (!n?.active) return notFound(c);
  const x = await adminContext(c);
  allowEmbedPreviews(c);
  return c.html(<EditNetworkPage x={x} n={declarationOf(n)} paused={isPaused(n)} />);
});

networksRoutes.post('/admin/networks/:slug', async (c) => {
  const slug = c.req.param('slug');
  const n = await findNetwork(c, slug);
  if (!n?.active) return notFound(c);
  const x = await adminContext(c);
  const posted = readDeclaration(postedForm(c), slug);
  try {
    await updateNetwork(x.deps, slug, () => posted);
  } catch (err) {
    if (!(err instanceof EditError)) throw err;
    return c.html(
      <EditNetworkPage x={x} n={posted} paused={isPaused(n)} error={err.message} />,
      400,
    );
  }
  return c.redirect(adminHref(x, `/admin/networks?done=saved&slug=${slug}#n-${slug}`), 303);
});

const actions = {
  pause: (c: HubContext, slug: string) => setNetworkPaused(c.get('deps'), slug, true),
  resume: (c: HubContext, slug: string) => setNetworkPaused(c.get('deps'), slug, false),
  retire: (c: HubContext, slug: string) => retireNetwork(c.get('deps'), slug),
  reinstate: (c: HubContext, slug: string) => reinstateNetwork(c.get('deps'), slug),
} as const;
const doneWord = { pause: 'paused', resume: 'resumed', retire: 'retired', reinstate: 'added' };

for (const action of Object.keys(actions) as (keyof typeof actions)[]) {
  networksRoutes.post(`/admin/networks/:slug/${action}`, async (c) => {
    const slug = c.req.param('slug');
    if (!(await findNetwork(c, slug))) return notFound(c);
    const x = await adminContext(c);
    try {
      await actions[action](c, slug);
    } catch (err) {
      if (!(err instanceof EditError)) throw err;
      return c.html(
        <AdminLayout x={x} title={nt(x.lang).title}>
          <Notice tone="bad">{err.message}</Notice>
        </AdminLayout>,
        409,
      );
    }
    const to = `/admin/networks?done=${doneWord[action]}&slug=${slug}#n-${slug}`;
    return c.redirect(adminHref(x, to), 303);
  });
}
