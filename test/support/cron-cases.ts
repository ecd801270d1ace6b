/**
 * Cron forms the hub accepts or refuses, checked on Node (test/unit/cron.test.ts) and in
 * workerd (test/workers/cron.test.ts): both runtimes read one dialect (src/cron.ts).
 */
export interface FiredCase {
  expr: string;
  /** (from, to] in ISO 8601, and the zone the expression is read in. */
  from: string;
  to: string;
  timezone: string;
  fired: boolean;
}

const monday = { from: '2026-11-16T06:30:00Z', to: '2026-11-16T07:30:00Z' }; // 08:00 Paris inside
const tuesday = { from: '2026-11-17T06:30:00Z', to: '2026-11-17T07:30:00Z' };
const paris = 'Europe/Paris';

export const firedCases: FiredCase[] = [
  { expr: '0 8 * * 1', ...monday, timezone: paris, fired: true },
  { expr: '0 8 * * mon', ...monday, timezone: paris, fired: true },
  { expr: '0 8 * * MON', ...tuesday, timezone: paris, fired: false },
  { expr: '0 8 * * mon-fri', ...tuesday, timezone: paris, fired: true },
  { expr: '0 0 8 * * 1', ...monday, timezone: paris, fired: true }, // seconds first
  { expr: '30 0 8 * * 1', ...monday, timezone: paris, fired: true },
  // @weekly is Sunday 00:00 in the hub's zone: Saturday 23:00 UTC in winter.
  {
    expr: '@weekly',
    from: '2026-11-21T22:30:00Z',
    to: '2026-11-21T23:30:00Z',
    timezone: paris,
    fired: true,
  },
  { expr: '@weekly', ...monday, timezone: paris, fired: false },
  {
    expr: '@daily',
    from: '2026-11-16T22:30:00Z',
    to: '2026-11-16T23:30:00Z',
    timezone: paris,
    fired: true,
  },
  // Day of month OR day of week when both are restricted (Vixie): the 1st, a Tuesday.
  {
    expr: '0 8 1 * mon',
    from: '2026-12-01T06:30:00Z',
    to: '2026-12-01T07:30:00Z',
    timezone: paris,
    fired: true,
  },
];

/** Refused at start-up on both runtimes, with the setting's name and croner's reason. */
export const refusedCrons: Array<[expr: string, reason: RegExp]> = [
  ['0 8 * *', /exactly five, six, or seven/],
  ['61 8 * * *', /minute: 61/],
  ['0 8 * * lundi', /illegal|Invalid/],
  ['0 8 * * 1 2026', /dayOfWeek: 2026/], // seven fields (a year) are not read
  ['0 8 31 2 *', /never fires/],
];
