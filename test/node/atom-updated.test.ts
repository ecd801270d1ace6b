import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { feedparser, jingAtom, jsonFeedErrors } from '../support/feed-validators.ts';
import {
  atomDates,
  EXPECTED_SOURCE_UPDATED,
  EXPECTED_UPDATED,
  seedAtomDates,
  STORED_AT,
} from '../support/atom-updated-seed.ts';

describe('Atom <updated> is each story’s own (Node, real SQLite, real validators)', () => {
  const deps = makeNodeDeps();
  const app = createApp(deps);
  beforeAll(() => seedAtomDates(deps));
  afterAll(() => deps.close());

  it('gives each entry its own update time and each <source> its network’s', async () => {
    const xml = await (await app.request('/feed.atom')).text();
    expect(jingAtom(xml)).toBe('');
    const dates = atomDates(xml);
    expect(dates.size).toBe(4);
    for (const [title, d] of dates) {
      expect(Date.parse(d.updated), title).toBe(Date.parse(EXPECTED_UPDATED[title]!));
      expect(d.source, title).not.toBeNull();
    }
    expect(dates.get('Le seul article de B')!.source).toBe(EXPECTED_SOURCE_UPDATED['dates-b']);
    expect(dates.get('Un article sans mise à jour')!.source).toBe(
      EXPECTED_SOURCE_UPDATED['dates-a'],
    );
    // The feed itself changed when the hub stored the stories.
    expect(xml).toContain(`<updated>${STORED_AT}</updated>`);
    // feedparser reads the same dates: entries and sources, no bozo.
    const parsed = feedparser(xml);
    expect(parsed.bozo).toBe(0);
    for (const e of parsed.entries) {
      expect(Date.parse(e.updated!), e.title).toBe(Date.parse(EXPECTED_UPDATED[e.title]!));
      expect(e.source?.updated, e.title).toBeTruthy();
    }
    // A network's own feed tells the same story dates.
    const own = atomDates(await (await app.request('/networks/dates-b/feed.atom')).text());
    expect(own.get('Le seul article de B')!.updated).toBe('2026-11-12T16:00:00.000Z');
  });

  it('JSON Feed date_modified is the same time', async () => {
    const doc = (await (await app.request('/feed.json')).json()) as {
      items: { title: string; date_modified: string }[];
    };
    expect(jsonFeedErrors(doc)).toEqual([]);
    for (const i of doc.items)
      expect(Date.parse(i.date_modified), i.title).toBe(Date.parse(EXPECTED_UPDATED[i.title]!));
  });
});
