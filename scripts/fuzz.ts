/**
 * `npm run fuzz [-- --seconds N] [--seed S]`: mutates the fixture feeds and calendars for N
 * seconds (default 60) and reads each as a pull would, on a thread: a read past the read
 * budget (10 s) is a hang, an exception other than a readable refusal is a crash. Failing
 * documents are written to .fuzz-failures/; exit 1 if there were any. Replay with --seed.
 */
import { fuzz } from '../test/support/fuzz/run.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const seconds = Number(arg('seconds') ?? 60);
const seed = Number(arg('seed') ?? Date.now() % 1_000_000);
console.log(`fuzz: ${seconds} s, seed ${seed}`);
const report = await fuzz({ seconds, seed, saveDir: '.fuzz-failures' });
console.log(
  `${report.documents} documents: ${report.read} read, ${report.refused} refused with a ` +
    `message, ${report.failures.length} failures; slowest read ${Math.round(report.slowestMs)} ms`,
);
for (const f of report.failures)
  console.log(
    `  ${f.kind} #${f.index} (from ${f.fixture}): ${f.message.split('\n')[0]} → ${f.file}`,
  );
process.exit(report.failures.length ? 1 : 0);
