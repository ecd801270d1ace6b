/**
 * The record step of a refresh: the source's new state written, and its report once it is
 * committed. A failure at any step becomes a recorded error on its source, never a throw, so
 * one broken feed never stops the others.
 */
import { recordStatement, type SourceUpdate } from '../source-record.ts';
import type { SourceReport } from '../types.ts';
import { failureState } from './source-state.ts';
import { storing, writeSourceState } from './storing.ts';
import type { Refresh, Reported } from './run.ts';

/**
 * Hands the source's new state to the pull's batch, as its last hand-off; `report` once it is
 * committed, or `onError`'s when it is not.
 */
export async function handRecord(
  run: Refresh,
  values: SourceUpdate,
  report: () => SourceReport,
  onError: (err: unknown) => Promise<SourceReport> = (err) => recordFailureLater(run, err),
): Promise<Reported> {
  const handed = run.lane.record(run.source, recordStatement(run.deps.db, run.source.id, values));
  await handed.accepted;
  return {
    report: handed.stored.then((s) => storing(() => s.committed)).then(report, onError),
  };
}

/** A failure before the source's last hand-off: its record goes with the batch. */
export function recordFailureNow(run: Refresh, err: unknown): Promise<Reported> {
  const { record, report } = failed(run, err);
  return handRecord(
    run,
    record,
    () => report,
    async (storeErr) => {
      cannotRecord(run, storeErr);
      return report;
    },
  );
}

/** A failure once the source has handed its last: recorded on its own. */
export async function recordFailureLater(run: Refresh, err: unknown): Promise<SourceReport> {
  const { record, report } = failed(run, err);
  try {
    await writeSourceState(run.deps, run.source, record);
  } catch (storeErr) {
    cannotRecord(run, storeErr);
  }
  return report;
}

function failed(run: Refresh, err: unknown) {
  const { failure, record, report } = failureState(run, run.now, run.httpStatus, err);
  run.deps.log.info('source failed', {
    sourceId: run.source.id,
    url: run.source.fetchUrl,
    kind: failure.kind,
    error: failure.message,
  });
  return { record, report };
}

/** The database itself refuses (locked, full): report it, the next pull retries the source. */
function cannotRecord(run: Refresh, storeErr: unknown): void {
  run.deps.log.error('cannot record source error', {
    sourceId: run.source.id,
    error: String(storeErr),
  });
}
