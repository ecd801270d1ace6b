/**
 * The refresh's writes outside the pull's store batch, and how their failures read: a store
 * that fails unexpectedly is the database's fault (a storage error), not the member's.
 */
import type { Deps } from '../../deps.ts';
import type { SourceRow } from '../../db/schema/sources.ts';
import { recordSource, type SourceUpdate } from '../source-record.ts';
import { serialized } from '../serialize.ts';
import { storeInTurn } from '../store-lease.ts';
import { storeCalendar, storeParsedCalendar } from '../../agenda/store-calendar.ts';
import { storageError, type StoreResult } from '../types.ts';
import type { CalendarDocument } from './read-document.ts';

/** Runs a storing step, reporting an unexpected failure as a storage error. */
export async function storing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw storageError(err);
  }
}

/**
 * Stores a calendar's events in their own store turn (the pull's batch takes feeds): read
 * ahead on a reader thread, or read here, in the turn.
 */
export function storeCalendarInTurn(
  deps: Deps,
  source: SourceRow,
  { text, readAhead }: CalendarDocument,
): Promise<{ value: StoreResult; committed: Promise<void> }> {
  return serialized(deps.db, () =>
    storeTurn(deps, () =>
      readAhead ? storeParsedCalendar(deps, source, readAhead) : storeCalendar(deps, source, text),
    ),
  );
}

/** Records a source's new state on its own, not with the pull's batch. */
export async function writeSourceState(
  deps: Deps,
  source: SourceRow,
  values: SourceUpdate,
): Promise<void> {
  await storing(() => recordSource(deps.db, source.id, values));
}

/** A store in its turn (store-lease.ts), through the database's write seam (Database.store). */
function storeTurn<T>(
  deps: Deps,
  store: () => Promise<T>,
): Promise<{ value: T; committed: Promise<void> }> {
  return storing(() => deps.db.store(() => storeInTurn(deps, store)));
}
