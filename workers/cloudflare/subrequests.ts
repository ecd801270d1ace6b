/**
 * Counts the subrequests one Worker invocation makes, at the seams it makes them through: the
 * D1 binding (every query, and every `batch`, is one), the platform fetch, and the store-turn
 * Durable Object. Cloudflare caps them per invocation (50 on the Free plan, 1,000 on Paid;
 * D1 queries count against the same budget), so a queue batch logs its count and the bench
 * (npm run bench:ingest:workers) and the workers tests read it.
 */
import type {
  D1Database,
  D1PreparedStatement,
  D1Result,
  D1ExecResult,
} from '@cloudflare/workers-types';

export interface SubrequestCount {
  fetch: number;
  d1: number;
  /** Calls to the store-turn Durable Object (store-turns.ts). */
  durableObject: number;
}

export const newSubrequestCount = (): SubrequestCount => ({ fetch: 0, d1: 0, durableObject: 0 });

export const totalSubrequests = (c: SubrequestCount) => c.fetch + c.d1 + c.durableObject;

/** The platform fetch, counted. */
export function countedFetch(inner: typeof fetch, count: SubrequestCount): typeof fetch {
  return (input, init) => {
    count.fetch++;
    return inner(input, init);
  };
}

/**
 * The D1 binding, counted. A statement is wrapped so that running it counts; `batch` hands
 * the binding's own statements back to it (workerd accepts only its own objects there).
 */
export function countedD1(binding: D1Database, count: SubrequestCount): D1Database {
  const own = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const counted = {
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: (column?: string) => {
        count.d1++;
        return column === undefined ? statement.first() : statement.first(column);
      },
      all: () => {
        count.d1++;
        return statement.all();
      },
      run: () => {
        count.d1++;
        return statement.run();
      },
      raw: (options?: { columnNames?: boolean }) => {
        count.d1++;
        return statement.raw(options as { columnNames: true });
      },
    } as unknown as D1PreparedStatement;
    own.set(counted, statement);
    return counted;
  };
  return {
    prepare: (query: string) => wrap(binding.prepare(query)),
    batch: <T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> => {
      count.d1++;
      return binding.batch<T>(statements.map((s) => own.get(s) ?? s));
    },
    exec: (query: string): Promise<D1ExecResult> => {
      count.d1++;
      return binding.exec(query);
    },
    dump: () => binding.dump(),
    withSession: (...args: Parameters<D1Database['withSession']>) => binding.withSession(...args),
  } as D1Database;
}
