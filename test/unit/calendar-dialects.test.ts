import { describe, it } from 'vitest';
import {
  checkConcatenatedCalendars,
  checkDuplicateUids,
  checkHostileCalendarsBounded,
  checkMalformedPropertySkippedAlone,
  checkMovedAllDayOccurrence,
  checkOutlookZoneNames,
  checkUnknownDisplayNameUsesItsVtimezone,
} from '../support/calendar-dialects.ts';

describe('calendars as Outlook, Exchange and Google write them (Node)', () => {
  it('reads "(UTC-05:00) Eastern Time (US & Canada)" zone names', checkOutlookZoneNames);
  it('reads an unknown display name by its own VTIMEZONE', checkUnknownDisplayNameUsesItsVtimezone);
  it('moves an all-day occurrence (RECURRENCE-ID;VALUE=DATE)', checkMovedAllDayOccurrence);
  it('keeps the highest SEQUENCE, then the latest DTSTAMP, of a UID', checkDuplicateUids);
  it('reads several VCALENDARs concatenated in one file', checkConcatenatedCalendars);
  it('skips a malformed property alone', checkMalformedPropertySkippedAlone);
  it('reads the documents that hung or froze the hub, in bounded time', () => {
    checkHostileCalendarsBounded(30_000);
  }, 120_000);
});
