import { describe, it } from 'vitest';
import { checkDayWindows, checkKeptRangeAndDefaults } from '../support/agenda-window-cases.ts';

describe('agenda windows on day boundaries (window.ts)', () => {
  it('every instant of a day gives that day’s window; the next midnight moves it', () => {
    checkDayWindows();
  });
  it('kept range and default windows: local midnights, 31 days back and 366 ahead', () => {
    checkKeptRangeAndDefaults();
  });
});
