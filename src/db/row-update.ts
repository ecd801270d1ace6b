/**
 * An `update … set … where <key> = ?` of one row, as SQL text written once per table and set of
 * columns. The store writes such updates by the hundred per pull (a source's new state, the
 * items that a new entry joins, edited entries): built by drizzle, each cost more than SQLite's
 * own work (the query builder's SQL objects, a column lookup and a value mapping per field, and
 * their garbage). As text, the SQLite connection keeps the statement prepared (sqlite.ts).
 * Column names and value mapping still come from the schema, as drizzle's `set` takes them:
 * undefined fields are left alone, null is bound as null, others through the column's
 * mapToDriverValue (JSON columns, booleans). A text column takes a string or its UTF-8 bytes
 * (text-value.ts), bound as the TEXT they encode, as bulk inserts do (bulk-insert.ts).
 */
import { eq, getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database, Statement } from './client.ts';
import type { InsertRow } from './bulk-insert.ts';
import { placeholder, textParam } from './text-value.ts';

export interface RowUpdate {
  text: string;
  params: unknown[];
}

interface TableUpdates {
  name: string;
  columns: Record<string, SQLiteColumn>;
  /** Names of the table's fields, in the schema's order (the order of `set`). */
  fields: string[];
  /** SQL text per key column and list of fields set. */
  texts: Map<string, string>;
}

const tables = new WeakMap<SQLiteTable, TableUpdates>();

function tableUpdates(table: SQLiteTable): TableUpdates {
  let t = tables.get(table);
  if (!t) {
    const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
    t = { name: getTableName(table), columns, fields: Object.keys(columns), texts: new Map() };
    tables.set(table, t);
  }
  return t;
}

/**
 * Sets `values` (undefined fields left alone, as drizzle's `set` does) on the row of `table`
 * whose column `key` (a field name) equals `id`; null when no field is set. The key itself is
 * never set (`values` may be the whole row).
 */
export function rowUpdate<T extends SQLiteTable>(
  table: T,
  key: keyof T['$inferSelect'] & string,
  id: unknown,
  values: Partial<InsertRow<T>>,
): RowUpdate | null {
  const t = tableUpdates(table);
  const set = values as Record<string, unknown>;
  // Loops over the schema's fields, not callbacks made at each call: see pushTo (matcher.ts).
  const params: unknown[] = [];
  let shape = key;
  for (const field of t.fields) {
    const v = set[field];
    if (v === undefined || field === key) continue;
    shape += `,${field}`;
    params.push(v === null ? null : t.columns[field]!.mapToDriverValue(v));
  }
  if (!params.length) return null;
  params.push(id);
  let text = t.texts.get(shape);
  if (!text) {
    const assignments: string[] = [];
    for (const field of t.fields)
      if (set[field] !== undefined && field !== key)
        assignments.push(`"${t.columns[field]!.name}" = ${placeholder(t.columns[field]!)}`);
    text = `update "${t.name}" set ${assignments.join(', ')} where "${t.columns[key]!.name}" = ?`;
    t.texts.set(shape, text);
  }
  return { text, params };
}

/**
 * The same update as a statement for `Database.batch`: as SQL text where the database takes it
 * (SQLite), else built by drizzle (D1 batches take drizzle queries).
 */
export function rowUpdateStatement<T extends SQLiteTable>(
  db: Database,
  table: T,
  key: keyof T['$inferSelect'] & string,
  id: unknown,
  values: Partial<InsertRow<T>>,
): Statement[] {
  if (db.rawStatement) {
    const update = rowUpdate(table, key, id, values);
    return update ? [db.rawStatement(update.text, update.params)] : [];
  }
  const set: Record<string, unknown> = { ...values };
  delete set[key];
  for (const field in set) if (set[field] instanceof Uint8Array) set[field] = textParam(set[field]);
  if (!Object.values(set).some((v) => v !== undefined)) return [];
  const column = getTableColumns(table)[key] as SQLiteColumn;
  return [db.orm.update(table).set(set).where(eq(column, id)) as unknown as Statement];
}
