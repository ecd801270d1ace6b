/**
 * Digest delivery throughput: build and deliver digests to N subscribers with varied choices
 * (networks, tags, territories, daily/weekly, fr/en) into a local SMTP server, through the
 * real path (ledger, claims, pooled nodemailer). Run: npm run bench:digest [-- 10000 2000].
 * Prints messages/s and peak RSS per size: memory should not grow with the subscriber count
 * (subscribers and deliveries are read page by page).
 * The SMTP server runs in a child process (its own core), as a real relay would.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/env.ts';
import { silentLogger } from '../src/deps.ts';
import { networks, sources, subscribers } from '../src/db/schema/index.ts';
import { writeHubSettings } from '../src/db/hub-settings.ts';
import { storeFeedItems } from '../src/ingest/store-feed.ts';
import { runDigests } from '../src/newsletter/digest/send.ts';
import { nodeDeps } from '../workers/node/deps.ts';
import { smtpMailer } from '../workers/node/smtp-mailer.ts';
import { insertGroups } from '../src/db/client.ts';

const TERRITORIES = ['Occitanie', 'Bretagne', 'Île-de-France', 'Auvergne-Rhône-Alpes', 'Grand Est'];
const TAGS = ['formation', 'tiers-lieux', 'agriculture', 'numérique', 'habitat', 'culture'];

// Child mode: a counting SMTP server.
if (process.argv[2] === '--smtp-child') {
  const { SMTPServer } = await import('smtp-server');
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count++;
        cb(null, 'ok');
      });
    },
  });
  server.listen(0, '127.0.0.1', () =>
    process.send!({ port: (server as any).server.address().port }),
  );
  process.on('message', () => process.send!({ count }));
} else {
  await main();
}

async function main() {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const smtp = fork(fileURLToPath(import.meta.url), ['--smtp-child'], {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((r) => smtp.once('message', (m: any) => r(m.port)));
  try {
    for (const n of sizes.length ? sizes : [2_000, 10_000]) await run(n, port, smtp);
  } finally {
    smtp.kill();
  }
}

async function run(n: number, port: number, smtp: ReturnType<typeof fork>) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-digest-'));
  const deps = nodeDeps({
    config: loadConfig({ HUB_DB: join(dir, 'hub.sqlite'), HUB_SECRET: 'bench' }),
    log: silentLogger,
  });
  deps.mailer = smtpMailer(
    `smtp://127.0.0.1:${port}?pool=8&rate=0`,
    'Intercoop <lettre@hub.test>',
    deps.db,
  );
  await writeHubSettings(deps.db, {
    title: 'Intercoop',
    baseUrl: 'https://hub.test',
    language: 'fr',
    timezone: 'Europe/Paris',
  });
  const now = Date.now();
  // 20 networks, 10 stories each.
  for (let i = 0; i < 20; i++) {
    const slug = `reseau-${i}`;
    await deps.db.orm.insert(networks).values({
      slug,
      name: `Réseau ${i}`,
      territory: TERRITORIES[i % 5]!,
      tags: [TAGS[i % 6]!, TAGS[(i + 1) % 6]!],
      createdAt: now,
      updatedAt: now,
    });
    const [src] = await deps.db.orm
      .insert(sources)
      .values({
        networkSlug: slug,
        kind: 'feed',
        url: `https://${slug}.example/feed`,
        fetchUrl: `https://${slug}.example/feed`,
        createdAt: now,
      })
      .returning();
    await storeFeedItems(
      deps,
      src!,
      Array.from({ length: 10 }, (_, j) => ({
        guid: `${slug}-${j}`,
        url: `https://${slug}.example/${j}`,
        title: `Réseau ${i}, nouvelle ${j} : une initiative coopérative numéro ${i * 10 + j}`,
        published: new Date(now - (i * 10 + j) * 60_000),
        updated: null,
        author: null,
        summary: null,
        contentHtml: `<p>Le réseau ${i} raconte l’initiative ${j} : des habitants, une coopérative ${i * 31 + j * 7}, des ateliers partagés et un projet de territoire qui grandit chaque mois.</p>`,
        categories: [],
        enclosures: [],
      })),
    );
  }
  // N subscribers with varied choices.
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `abonne${i}@bench.example`,
    lang: (i % 4 === 0 ? 'en' : 'fr') as 'fr' | 'en',
    frequency: (i % 3 === 0 ? 'daily' : 'weekly') as 'daily' | 'weekly',
    choices: {
      networks: i % 5 === 0 ? [] : [`reseau-${i % 20}`, `reseau-${(i * 7) % 20}`],
      tags: i % 7 === 0 ? [TAGS[i % 6]!] : [],
      territories: i % 11 === 0 ? [TERRITORIES[i % 5]!] : [],
    },
    tokenSalt: `s${i}`,
    confirmedAt: now - 3600_000,
    updatedAt: now,
  }));
  await deps.db.batch(
    insertGroups(deps.db, subscribers, rows).map((g) => deps.db.orm.insert(subscribers).values(g)),
  );
  rows.length = 0;
  global.gc?.();

  let peak = process.memoryUsage().rss;
  const base = peak;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const s = await runDigests(deps, { concurrency: 16 });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  smtp.send('count');
  const received = await new Promise<number>((r) => smtp.once('message', (m: any) => r(m.count)));
  console.log(
    `${n.toLocaleString('en')} subscribers: ${s.sent} sent, ${s.skipped} empty, ${s.failedTemp + s.failedPerm} failed in ${seconds.toFixed(1)} s → ${(s.sent / seconds).toFixed(0)} messages/s; ` +
      `RSS ${(base / 1048576).toFixed(0)} MB before, peak ${(peak / 1048576).toFixed(0)} MB (SMTP server total so far: ${received})`,
  );
  await deps.close();
  rmSync(dir, { recursive: true, force: true });
}
