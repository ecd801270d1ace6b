/**
 * Writes through a SQLite file's commit group in a process of its own, for the test that kills
 * it with a transaction open: one row every 20 ms, "stored <k>" when the write returns and
 * "committed <k>" once its commit has landed (what a pull would report).
 *
 *   node --import tsx test/support/group-commit-child.ts /path/to/file.sqlite
 */
import { openSqlite } from '../../workers/node/sqlite.ts';

const db = openSqlite(process.argv[2]!);
db.raw.exec('create table if not exists marks (k integer primary key)');
const insert = db.raw.prepare('insert into marks values (?)');
for (let k = 1; ; k++) {
  const { committed } = await db.commitGroup!.run(async () => insert.run(k));
  process.stdout.write(`stored ${k}\n`);
  void committed.then(() => process.stdout.write(`committed ${k}\n`));
  await new Promise((resolve) => setTimeout(resolve, 20));
}
