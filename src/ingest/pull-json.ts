import type { PullSummary } from './types.ts';
import { maskedUrl, withMaskedCredentials } from '../public-url.ts';
import { truncationText } from './truncation.ts';

/**
 * The summary as JSON, snake_case like the rest of the public JSON. Only coordinators see it
 * (admin API, command line): a private feed's password is shown as `***`.
 */
export function summaryJson(s: PullSummary) {
  return {
    pull_id: s.pullId,
    trigger: s.trigger,
    started_at: new Date(s.startedAt).toISOString(),
    finished_at: new Date(s.finishedAt).toISOString(),
    sources: s.sources,
    ok: s.ok,
    not_modified: s.notModified,
    failed: s.failed,
    new_items: s.newItems,
    updated_items: s.updatedItems,
    reports: s.reports.map((r) => ({
      source_id: r.sourceId,
      network: r.networkSlug,
      url: maskedUrl(r.url),
      kind: r.kind,
      outcome: r.outcome,
      http_status: r.httpStatus,
      new: r.new,
      updated: r.updated,
      unchanged: r.unchanged,
      error_kind: r.errorKind,
      error: r.error === null ? null : withMaskedCredentials(r.error),
      /** { kept, total, text } when a cap stored the document in part, else null. */
      truncated: r.truncated ? { ...r.truncated, text: truncationText(r.truncated) } : null,
      /** What the recovering pass repaired (a malformed feed read whole), else null. */
      warning: r.warning,
      next_fetch_at: new Date(r.nextFetchAt).toISOString(),
      ms: r.ms,
    })),
  };
}
