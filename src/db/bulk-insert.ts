/**
 * Many rows in few statements. A cold pull writes thousands of entries and tens of thousands
 * of index rows.
 * - D1: one bound value, `INSERT INTO t SELECT … FROM json_each(?)`. As multi-row VALUES, its
 *   100-parameter cap would split them into statements of three or four rows.
 * - SQLite (Database.rawStatement): multi-row VALUES of up to the parameter cap, their SQL
 *   text written here once per table and row count (the query builder cost more than SQLite's
 *   own work), values bound as they are: about twice as fast as unpacking JSON.
 * A text column takes a string or its UTF-8 bytes (text-value.ts): SQLite binds bytes as they
 * are, read as the TEXT they encode (`cast(? as text)`, which leaves a string as it is); the
 * JSON of D1 takes them decoded.
 */
import { Column, getTableColumns, getTableName, is, sql, SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { rowsPerInsert, type Database, type Statement } from './client.ts';
import { placeholder, textOf, type TextValue } from './text-value.ts';

/** Characters of JSON per statement: ≤ 1.5 MB of UTF-8, under D1's 2 MB per value. */
const MAX_JSON_CHARS = 500_000;

type Columns = Array<[string, SQLiteColumn]>;

export interface BulkOptions {
  /** A row whose key is already stored is skipped (`insert or ignore`), not an error. */
  ignoreConflicts?: boolean;
  /**
   * No row's values can make these inserts fail (rows of numbers, `ignoreConflicts`, no
   * foreign key): they may run after the batch's guard (Database.rawStatement's `afterGuard`).
   */
  afterGuard?: boolean;
}

/**
 * The rows of a bulk insert. Classes, not a closure made at each call: V8 optimised each new
 * closure anew (bench:ingest --node-flag --trace-opt: `values` compiled 8 times at 250
 * sources, once per closure), where a method is compiled once.
 */
interface RowValues {
  /** Bound values of `count` rows from row `start` on, row after row, in column order. */
  values(start: number, count: number): unknown[];
}

/**
 * A table's columns, in order, and which of them drizzle binds as given (`plain`: the column
 * class keeps Column's own mapToDriverValue, which returns its value; JSON and boolean columns
 * have theirs). Once per table, not per statement.
 */
interface Shape {
  columns: Columns;
  keys: string[];
  plain: boolean[];
}
const shapes = new WeakMap<SQLiteTable, Shape>();

function shapeOf(table: SQLiteTable): Shape {
  let shape = shapes.get(table);
  if (!shape) {
    const columns = Object.entries(getTableColumns(table)) as Columns;
    const identity = Column.prototype.mapToDriverValue;
    shape = {
      columns,
      keys: columns.map(([key]) => key),
      plain: columns.map(([, column]) => column.mapToDriverValue === identity),
    };
    shapes.set(table, shape);
  }
  return shape;
}

/**
 * Rows as objects, by field name: each value mapped as drizzle maps it (driverValue). A string or
 * a number of a plain column is what driverValue would give: bound as it is, without a call per
 * value through the column's class (1.4 million for a cold pull's entries at 1,000 sources).
 */
class ObjectRows implements RowValues {
  constructor(
    private shape: Shape,
    private rows: ReadonlyArray<Record<string, unknown>>,
  ) {}

  values(start: number, count: number): unknown[] {
    const { rows } = this;
    const { columns, keys, plain } = this.shape;
    // Made at its size, then filled: pushed, a statement's thousands of values grew it again
    // and again, each larger copy garbage (bench:ingest --sample-promoted, young objects too).
    const out: unknown[] = new Array(count * keys.length);
    let at = 0;
    for (let r = start; r < start + count; r++) {
      const row = rows[r]!;
      for (let c = 0; c < keys.length; c++) {
        const v = row[keys[c]!];
        out[at++] =
          plain[c] && (typeof v === 'string' || typeof v === 'number')
            ? v
            : driverValue(columns[c]![1], v);
      }
    }
    return out;
  }
}

/** Rows as their bound values already, one flat list. */
class FlatRows implements RowValues {
  constructor(
    private flat: ReadonlyArray<string | number | null>,
    private width: number,
  ) {}

  values(start: number, count: number): unknown[] {
    return this.flat.slice(start * this.width, (start + count) * this.width);
  }
}

/** A row of `table` to insert, whose text columns may take a text's bytes (text-value.ts). */
export type InsertRow<T extends SQLiteTable> = {
  [K in keyof T['$inferInsert']]: string extends T['$inferInsert'][K]
    ? T['$inferInsert'][K] | Exclude<TextValue, string>
    : T['$inferInsert'][K];
};

/** Inserts `rows` into `table` in as few statements as the database takes (see above). */
export function bulkInserts<T extends SQLiteTable>(
  db: Database,
  table: T,
  rows: Array<InsertRow<T>>,
  options: BulkOptions = {},
): Statement[] {
  if (!rows.length) return [];
  const shape = shapeOf(table);
  const { columns } = shape;
  const values = new ObjectRows(shape, rows as Array<Record<string, unknown>>);
  return db.rawStatement
    ? valuesInserts(db, table, columns, rows.length, values, options)
    : jsonEachInserts(db, table, columns, rows.length, values, options);
}

/**
 * bulkInserts for rows given as the values they bind, every column of `table` in its order, one
 * row after the other in one flat list: no object per row for a table of numbers written by
 * the tens of thousands (item_keys), and nothing to convert.
 */
export function bulkInsertValues(
  db: Database,
  table: SQLiteTable,
  flat: ReadonlyArray<string | number | null>,
  options: BulkOptions = {},
): Statement[] {
  const { columns } = shapeOf(table);
  const width = columns.length;
  if (flat.length % width) throw new Error(`${flat.length} values for rows of ${width}`);
  if (!flat.length) return [];
  const values = new FlatRows(flat, width);
  return db.rawStatement
    ? valuesInserts(db, table, columns, flat.length / width, values, options)
    : jsonEachInserts(db, table, columns, flat.length / width, values, options);
}

function jsonEachInserts(
  db: Database,
  table: SQLiteTable,
  columns: Columns,
  count: number,
  values: RowValues,
  { ignoreConflicts }: BulkOptions,
): Statement[] {
  // insert … select lists every column of the table in this order: one JSON slot each.
  const select = sql.join(
    columns.map((_, i) => sql.raw(`json_extract(value, '$[${i}]')`)),
    sql`, `,
  );
  const statements: Statement[] = [];
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (!batch.length) return;
    const json = `[${batch.join(',')}]`;
    const insert = db.orm.insert(table);
    statements.push(
      (ignoreConflicts
        ? // `where true`: SQLite reads an upsert after INSERT … SELECT only when the SELECT has one.
          insert
            .select(sql`select ${select} from json_each(${json}) where true`)
            .onConflictDoNothing()
        : insert.select(sql`select ${select} from json_each(${json})`)) as unknown as Statement,
    );
    batch = [];
    size = 0;
  };
  for (let r = 0; r < count; r++) {
    const row = values.values(r, 1);
    for (let i = 0; i < row.length; i++)
      if (row[i] instanceof Uint8Array) row[i] = textOf(row[i] as Uint8Array);
    const encoded = JSON.stringify(row);
    if (size + encoded.length > MAX_JSON_CHARS) flush();
    batch.push(encoded);
    size += encoded.length + 1;
  }
  flush();
  return statements;
}

const valuesSql = new Map<string, string>();

function valuesInserts(
  db: Database,
  table: SQLiteTable,
  columns: Columns,
  count: number,
  values: RowValues,
  { ignoreConflicts, afterGuard }: BulkOptions,
): Statement[] {
  const perStatement = rowsPerInsert(columns.length, db);
  const name = getTableName(table);
  const verb = ignoreConflicts ? 'insert or ignore into' : 'insert into';
  const statements: Statement[] = [];
  for (let start = 0; start < count; ) {
    const rows = statementRows(count - start, perStatement);
    const key = `${verb}:${name}:${rows}`;
    let text = valuesSql.get(key);
    if (!text) {
      const head = `${verb} "${name}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) values `;
      // A text column's value may be bytes, bound as the text they encode (see above).
      const tuple = `(${columns.map(([, c]) => placeholder(c)).join(', ')})`;
      valuesSql.set(key, (text = head + Array.from({ length: rows }, () => tuple).join(', ')));
    }
    statements.push(db.rawStatement!(text, values.values(start, rows), afterGuard));
    start += rows;
  }
  return statements;
}

/**
 * Rows in the next statement, with `left` rows to insert: as many as the parameter cap takes,
 * else the largest power of two. Each row count is an SQL text of its own, which SQLite compiles
 * into a program of ~40 bytes per bound value and the connection keeps prepared (sqlite.ts):
 * with any count from 1 to the cap, a cold pull compiled and kept ~150 texts of up to 4,000
 * values, ~27 MB of its peak memory at 250 sources (heaptrack). With these counts a table has
 * at most a dozen texts, reused from one batch to the next; the rest of a batch costs a few
 * more statements (one per bit of the remainder).
 */
export function statementRows(left: number, perStatement: number): number {
  if (left >= perStatement) return perStatement;
  return 2 ** Math.floor(Math.log2(left));
}

/** What drizzle would bind for this value, defaults included (an autoincrement id stays null). */
function driverValue(column: SQLiteColumn, value: unknown): unknown {
  let v = value;
  if (v === undefined) {
    if (column.defaultFn) v = column.defaultFn();
    else if (column.default !== undefined && !is(column.default, SQL)) v = column.default;
    else v = null;
  }
  if (v === null || v === undefined) return null;
  const mapped = column.mapToDriverValue(v);
  if (typeof mapped === 'boolean') return mapped ? 1 : 0;
  if (typeof mapped === 'bigint') return Number(mapped);
  return mapped;
}
