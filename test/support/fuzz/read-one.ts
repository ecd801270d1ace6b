/**
 * What the fuzzer checks on each mutated document: the reading a pull does (decode, then a
 * calendar or a feed read with every fingerprint), which must end with a result or a readable
 * IngestError — anything else thrown is a crash.
 */
import { parseCalendar } from '../../../src/agenda/parse-calendar.ts';
import { looksLikeCalendar } from '../../../src/agenda/parse-calendar.ts';
import { decodeBody } from '../../../src/ingest/decode.ts';
import { readFeed } from '../../../src/ingest/feed-reader.ts';
import { IngestError } from '../../../src/ingest/types.ts';

export type ReadOutcome =
  | { kind: 'read'; what: 'feed' | 'calendar'; count: number }
  | { kind: 'refused'; message: string }
  | { kind: 'crash'; message: string };

export async function readOne(bytes: Uint8Array): Promise<ReadOutcome> {
  try {
    const text = decodeBody(bytes, null);
    if (looksLikeCalendar(text)) {
      const cal = parseCalendar(text, {
        now: new Date('2026-10-01T08:00:00Z'),
        hubTimezone: 'Europe/Paris',
      });
      return { kind: 'read', what: 'calendar', count: cal.events.length };
    }
    const feed = await readFeed(text, 'https://membre.example/flux.xml', { fingerprints: true });
    return { kind: 'read', what: 'feed', count: feed.items.length };
  } catch (err) {
    if (err instanceof IngestError) return { kind: 'refused', message: err.message };
    return { kind: 'crash', message: (err as Error)?.stack ?? String(err) };
  }
}
