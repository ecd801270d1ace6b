/** One source's refresh under way: what each of its steps (refresh.ts) is handed. */
import type { Deps } from '../../deps.ts';
import type { SourceRow } from '../../db/schema/sources.ts';
import type { Lane } from '../store-batcher.ts';
import type { SourceReport } from '../types.ts';
import type { Health, ReportBase } from './source-state.ts';

export interface Refresh extends ReportBase {
  deps: Deps;
  source: SourceRow;
  /** The source's way into the pull's store batch (store-batcher.ts). */
  lane: Lane;
  /** The clock's time when the refresh began: the fetch's time on the row, backoff's base. */
  now: number;
  /** The source's HTTP answer once fetched: a later failure (unreadable, unstorable) keeps it. */
  httpStatus: number | null;
}

/** A refresh whose source answered (200 or 304). */
export interface Answered extends Refresh {
  httpStatus: number;
  /** The source's state after its answer, before what its document adds. */
  health: Health;
}

/** How a refresh ends: its report, settled once the source's new state is committed. */
export interface Reported {
  report: Promise<SourceReport>;
}
