/**
 * How much of a calendar the hub reads, in one place (README, "Agenda"). Every cap bounds
 * work before it is done, so a hostile or enormous calendar costs the same bounded time on
 * Workers (where a read cannot be interrupted) as on Node (where a reader thread past its
 * time is also stopped: ingest/read-budget.ts). Events beyond a cap are not dropped at
 * random: the nearest in time are kept, and the source says "ok, tronqué : N sur M".
 */
export const CALENDAR_CAPS = {
  /** Events (series count once) kept per calendar. */
  maxEvents: 5000,
  /** Occurrences of one event inside the window (1 month back, 12 ahead). */
  maxOccurrencesPerEvent: 1000,
  /** Occurrences of all events together. */
  maxOccurrencesPerCalendar: 50_000,
  /**
   * Steps of recurrence expansion per calendar (a step is one day examined in a period of a
   * rule, ~0.1 µs); one event may use a tenth. A rule needing more ends there, said on the
   * source's log.
   */
  expansionSteps: 4_000_000,
} as const;
