import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';

describe('not found: an HTML page in the visitor’s language; JSON for programs', () => {
  const deps = makeNodeDeps();
  const app = createApp(deps);
  afterAll(() => deps.close());

  it.each([
    ['/agenda/', {}, 'fr', 'Page introuvable'],
    ['/nulle-part', {}, 'fr', 'Il n’y a rien à l’adresse /nulle-part.'],
    ['/nowhere?lang=en', {}, 'en', 'Page not found'],
    ['/nowhere', { 'accept-language': 'en-GB,en;q=0.9' }, 'en', 'There is nothing at /nowhere.'],
  ])('%s → HTML (%s)', async (path, headers, lang, text) => {
    const r = await app.request(path, { headers });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await r.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<html lang="${lang}"`);
    expect(html).toContain(text);
  });

  it.each(['/api/nothing', '/nothing.xml', '/nothing.json', '/nothing.ics', '/nothing.opml'])(
    '%s → JSON',
    async (path) => {
      const r = await app.request(path);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    },
  );
});
