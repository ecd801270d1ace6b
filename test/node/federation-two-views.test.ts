import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import { networks } from '../../src/db/schema/index.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { exportFederation } from '../../src/federation/export.ts';
import { updateNetwork } from '../../src/federation/edit.ts';
import { readFileState } from '../../src/federation/file-state.ts';
import { syncFederationFile } from '../../workers/node/federation-file.ts';
import { networksCommand } from '../../workers/node/commands/networks.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { consoleClient } from '../support/console-client.ts';

const TOKEN = 'two-views-token-0123456789';

const FILE = `# Les membres de la fédération
hub:
  title: Intercoop
  base_url: https://hub.example.org
  timezone: Europe/Paris
  coordinators: [coord@example.org, autre@example.org]
networks:
  - slug: animacoop
    name: Animacoop
    site: https://animacoop.example/
    territory: Occitanie
    tags: [formation, coopération]
    description: "Formations à la coopération : « animer »"
    feeds: [https://animacoop.example/feed.xml]
    agendas: [https://animacoop.example/agenda.ics]
  - slug: site-seul
    name: Site seul
    site: https://seul.example/
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
}

describe('one federation, two views: the file and the console', () => {
  const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: TOKEN });
  const file = join(deps.dir, 'networks.yaml');
  deps.config.networksFile = file;
  const app = createApp(deps);
  afterAll(() => deps.close());
  const nameOf = async (slug: string) =>
    (await deps.db.orm.select().from(networks).where(eq(networks.slug, slug)))[0]?.name;

  it('the export round-trips: parsed back, it is the same federation', async () => {
    writeFileSync(file, FILE);
    expect(await syncFederationFile(deps)).toBe(true);
    const c = capture();
    expect(await networksCommand(deps, ['export'], 'fr', c.o, c.e)).toBe(0);
    const yaml = c.out.join('\n');
    expect(yaml).toContain('coordinators: [ coord@example.org, autre@example.org ]');
    const again = parseNetworksFile(yaml);
    const original = parseNetworksFile(FILE);
    expect(again.hub).toEqual(original.hub);
    expect(again.networks).toEqual(original.networks);
    // Also the admin API, and the console's download.
    const api = await app.request('/api/admin/networks?format=yaml', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(api.headers.get('content-type')).toBe('text/yaml; charset=utf-8');
    expect(parseNetworksFile(await api.text()).networks).toEqual(original.networks);
    const out = join(deps.dir, 'exported.yaml');
    expect(await networksCommand(deps, ['export', out], 'fr', c.o, c.e)).toBe(0);
    expect((await exportFederation(deps)).networks).toEqual(original.networks);
  });

  it('an unchanged file leaves console edits alone; a changed file wins, after a warning', async () => {
    await updateNetwork(deps, 'animacoop', (n) => ({ ...n, name: 'Animacoop (console)' }));
    expect((await readFileState(deps)).consoleEditedAt).not.toBeNull();

    // Restart with the same file: the console's edit stays.
    expect(await syncFederationFile(deps)).toBe(true);
    expect(await nameOf('animacoop')).toBe('Animacoop (console)');
    const s = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', s.o, s.e)).toBe(0);
    expect(s.out.join('\n')).toContain('inchangé depuis la dernière synchronisation');
    expect(await nameOf('animacoop')).toBe('Animacoop (console)');

    // The console says the edit lives in the database only.
    const client = consoleClient(app);
    await client.signIn(TOKEN);
    // The network's console page gives the embed snippets for that network, with a preview
    // the page's policy lets it frame.
    const edit = await client.get('/admin/networks/animacoop');
    expect(edit.html).toContain('Intégrer sur votre site');
    expect(edit.html).toContain(
      '&lt;iframe src=&quot;https://hub.example.org/embed/agenda?network=animacoop&quot;',
    );
    expect(edit.html).toContain('<iframe src="/embed/news?network=animacoop"');
    expect(edit.headers.get('content-security-policy')).toContain("frame-src 'self'");
    let page = await client.get('/admin/networks');
    expect(page.html).toContain('Ces modifications vivent dans la base');
    expect(page.html).not.toContain('networks.yaml a changé depuis sa dernière synchronisation');

    // Someone edits the file in git: the console warns before it overwrites the edit.
    writeFileSync(file, FILE.replace('name: Site seul', 'name: Site seul (git)'));
    page = await client.get('/admin/networks');
    expect(page.html).toContain('networks.yaml a changé depuis sa dernière synchronisation');
    page = await client.get('/admin/federation');
    expect(page.html).toContain('c’est lui qui l’emporte');
    expect(page.html).toContain('networks.yaml a changé depuis sa dernière synchronisation');

    expect(await syncFederationFile(deps)).toBe(true);
    expect(await nameOf('animacoop')).toBe('Animacoop');
    expect(await nameOf('site-seul')).toBe('Site seul (git)');
    expect((await readFileState(deps)).consoleEditedAt).toBeNull();
    page = await client.get('/admin/networks');
    expect(page.html).not.toContain('Ces modifications vivent dans la base');
  });

  it('`networks sync` warns that the file replaces console edits; --force applies an unchanged file', async () => {
    await updateNetwork(deps, 'site-seul', (n) => ({ ...n, territory: 'Bretagne' }));
    const s = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', s.o, s.e)).toBe(0);
    expect(s.out.join('\n')).toContain('inchangé');
    const f = capture();
    expect(await networksCommand(deps, ['sync', '--force'], 'fr', f.o, f.e)).toBe(0);
    expect(f.err.join('\n')).toContain(
      'le fichier remplace les modifications faites dans la console',
    );
    const [row] = await deps.db.orm.select().from(networks).where(eq(networks.slug, 'site-seul'));
    expect(row!.territory).toBeNull();
  });

  it('an upload through PUT /api/admin/networks is the file: remembered as synced', async () => {
    const body = FILE.replace('name: Animacoop', 'name: Animacoop (API)');
    const r = await app.request('/api/admin/networks', {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/yaml' },
      body,
    });
    expect(r.status).toBe(200);
    writeFileSync(file, body);
    const s = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', s.o, s.e)).toBe(0);
    expect(s.out.join('\n')).toContain('inchangé');
  });
});
