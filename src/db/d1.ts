import { drizzle } from 'drizzle-orm/d1';
import type { D1Database } from '@cloudflare/workers-types';
import * as schema from './schema/index.ts';
import {
  committedOnReturn,
  D1_MAX_PARAMS,
  type Database,
  type HubOrm,
  type Statement,
} from './client.ts';

/** The Database seam over a D1 binding (Workers). Migrations are applied by wrangler. */
export function d1Database(binding: D1Database): Database {
  const orm = drizzle(binding as any, { schema });
  return {
    orm: orm as unknown as HubOrm,
    maxParams: D1_MAX_PARAMS,
    async batch(statements: Statement[]) {
      if (statements.length) await orm.batch(statements as [Statement, ...Statement[]]);
    },
    ...committedOnReturn,
    rows: (sql, params) =>
      binding
        .prepare(sql)
        .bind(...params)
        .raw(),
    async ping() {
      try {
        await binding.prepare('select 1').first();
        return true;
      } catch {
        return false;
      }
    },
  };
}
