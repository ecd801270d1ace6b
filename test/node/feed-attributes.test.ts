/** Attribute values in the Atom feed are escaped once: a reader sees the category as written. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { feedparser, jingAtom } from '../support/feed-validators.ts';

describe('Atom attributes', () => {
  it('keeps quotes, ampersands and angle brackets of categories and links intact', async () => {
    const deps = makeNodeDeps();
    try {
      const source = await addSource(deps, 'guillemets');
      const category = 'L\'"ESS" & <co>';
      await storeFeedItems(deps, source, [
        parsedItem({
          guid: 'q-1',
          url: 'https://guillemets.example/a?x=1&y="2"',
          title: 'Guillemets',
          contentHtml: '<p>Texte</p>',
          categories: [category],
        }),
      ]);
      const xml = await (await createApp(deps).request('http://hub.test/feed.atom')).text();
      expect(jingAtom(xml)).toBe('');
      const entry = feedparser(xml).entries[0]!;
      expect(entry.tags).toContain(category);
      expect(xml).not.toContain('&amp;quot;');
    } finally {
      await deps.close();
    }
  });
});
