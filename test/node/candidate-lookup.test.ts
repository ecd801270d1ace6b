/**
 * The candidate lookup on SQLite probes the index keys as plain values (lookup.ts keyProbes),
 * where D1 unpacks them from one JSON value: both find the same stored entries, window and
 * all, for documents of every size (one item, a feed, more keys than one probe statement
 * takes).
 */
import { describe, expect, it } from 'vitest';
import { lookupCandidates, type LookupInput } from '../../src/ingest/dedupe/lookup.ts';
import { fingerprint, indexKeyNumbers } from '../../src/ingest/dedupe/fingerprint.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';

const DAY = 86_400_000;
const START = Date.UTC(2026, 6, 1);
const WINDOW = 30 * DAY;
const PLACES = ['Rennes', 'Lille', 'Nantes', 'Brest', 'Tours', 'Caen', 'Metz', 'Pau'];
const THEMES = ['atelier vélo', 'repair café', 'marché paysan', 'forum emploi', 'ciné-débat'];

/** The title and text of story i: distinct words per story, so each has its own keys. */
function story(i: number) {
  const place = PLACES[i % PLACES.length]!;
  const theme = THEMES[i % THEMES.length]!;
  const title = `${theme} numéro ${i} à ${place} avec les coopératives ${i * 7}`;
  const words = Array.from({ length: 40 }, (_, w) => `mot${(i * 37 + w * 11) % 997}`).join(' ');
  return { title, html: `<p>Le ${theme} ${i} de ${place} réunit ${words} les habitants.</p>` };
}

/** A lookup input for story i's text, published at `at`. */
function input(i: number, at: number, edit = ''): LookupInput {
  const { title, html } = story(i);
  const fp = fingerprint(title, html.replace('</p>', `${edit}</p>`), null);
  return { guidHash: null, canonicalUrl: null, indexKeys: indexKeyNumbers(fp), publishedAt: at };
}

describe('candidate lookup: key probes as values (SQLite) and as JSON (D1) agree', () => {
  it('finds the same entries for documents of 1, 50 and 600 items', async () => {
    const deps = makeNodeDeps();
    try {
      const src = await addSource(deps, 'stock');
      // 240 stories, one every half day over 120 days.
      for (let doc = 0; doc < 240; doc += 60)
        await storeFeedItems(
          deps,
          src,
          Array.from({ length: 60 }, (_, k) => {
            const i = doc + k;
            const { title, html } = story(i);
            return parsedItem({
              guid: `s-${i}`,
              title,
              contentHtml: html,
              published: new Date(START + i * (DAY / 2)),
            });
          }),
        );
      const asJson = { ...deps.db, maxParams: 100 };
      const documents: LookupInput[][] = [
        [input(10, START + 5 * DAY, ' Ajout.')],
        // Copies in their window, and copies dated beyond it (found by neither way).
        Array.from({ length: 50 }, (_, k) =>
          input(k * 4, START + k * 2 * DAY + (k % 2 ? 0 : 90 * DAY), ' Mis à jour.'),
        ),
        // More keys than one probe statement takes (~21 per input).
        Array.from({ length: 600 }, (_, k) =>
          input(k % 300, START + (k % 240) * (DAY / 2) + (k % 3) * 20 * DAY),
        ),
      ];
      for (const inputs of documents) {
        const byValues = await lookupCandidates(deps.db, src.id + 1, inputs, WINDOW);
        const byJson = await lookupCandidates(asJson, src.id + 1, inputs, WINDOW);
        expect(byValues.length).toBeGreaterThan(0);
        expect(byValues).toEqual(byJson);
      }
      // The window holds: the copies dated 90 days later find fewer stories than in time.
      const late = await lookupCandidates(
        deps.db,
        src.id + 1,
        [input(20, START + 10 * DAY + 90 * DAY)],
        WINDOW,
      );
      const inTime = await lookupCandidates(
        deps.db,
        src.id + 1,
        [input(20, START + 10 * DAY)],
        WINDOW,
      );
      expect(inTime.map((r) => r.guid)).toContain('s-20');
      expect(late.map((r) => r.guid)).not.toContain('s-20');
    } finally {
      await deps.close();
    }
  }, 60_000);
});
