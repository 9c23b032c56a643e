import { describe, expect, it } from 'vitest';
import { govukDate, govukDateTime } from './dates.ts';

describe('one date style', () => {
  it('writes a day as "7 December 2026", a date-only value being that day', () => {
    expect(govukDate('2026-12-07')).toBe('7 December 2026');
    expect(govukDate(new Date('2026-12-07T23:30:00Z'))).toBe('7 December 2026');
    expect(govukDate('2026-12-07T14:13:00Z')).toBe('7 December 2026');
  });

  it('writes a moment as "7 December 2026 at 2:13pm", in UK time', () => {
    expect(govukDateTime('2026-12-07T14:13:00Z')).toBe('7 December 2026 at 2:13pm');
    expect(govukDateTime('2026-07-01T09:05:00Z')).toBe('1 July 2026 at 10:05am');
    expect(govukDateTime('2026-12-07T12:00:00Z')).toBe('7 December 2026 at midday');
    expect(govukDateTime('2026-12-07T00:00:00Z')).toBe('7 December 2026 at midnight');
  });

  it('gives back what is not a date as it was', () => {
    expect(govukDate('not a date')).toBe('not a date');
    expect(govukDateTime(null)).toBe('');
  });
});
