/**
 * A story's large texts (summary, content, search text) as the store takes them: a string, or
 * its UTF-8 bytes. A runtime that reads feeds on another thread may hand them over as bytes
 * (Node: workers/node/packed-texts.ts), so that they never become strings on the storing
 * thread: as strings, they waited for their batch long enough to be copied into V8's old
 * generation, most of what the storing thread's collections moved (bench:ingest
 * --sample-promoted). SQLite stores such bytes as the very TEXT the string would be
 * (`cast(? as text)`: bulk-insert.ts, textParam); what must be a string is decoded once, where
 * it is needed (textOf).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** A text as a string, or as its UTF-8 bytes (well-formed: see workers/node/packed-texts.ts). */
export type TextValue = string | Uint8Array;

// ignoreBOM: a text that begins with U+FEFF keeps it, as its string did.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text as a string (bytes decoded: call it once per use, never in a loop over a text). */
export function textOf(value: TextValue): string;
export function textOf(value: TextValue | null): string | null;
export function textOf(value: TextValue | undefined): string | undefined;
export function textOf(value: TextValue | null | undefined): string | null | undefined {
  return value instanceof Uint8Array ? utf8.decode(value) : value;
}

/**
 * The placeholder of a column's value in SQL text: a text column's value may be bytes, read as
 * the text they encode (a string stays as it is, which a column of TEXT affinity would store
 * alike; a number becomes its text there too).
 */
export function placeholder(column: SQLiteColumn): string {
  return column.getSQLType().startsWith('text') ? 'cast(? as text)' : '?';
}

/**
 * A text to bind in a statement built with drizzle: a string as it is, bytes as the TEXT they
 * encode (bound alone, bytes would be stored as a BLOB).
 */
export function textParam(value: TextValue): string | SQL {
  return value instanceof Uint8Array ? sql`cast(${value} as text)` : value;
}
