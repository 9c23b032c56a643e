// One date style everywhere, the GOV.UK style guide's: "7 December 2026", and with a time
// "7 December 2026 at 2:13pm" (midday and midnight as words), in UK time. Pages use the Nunjucks
// filters `govukDate` and `govukDateTime`; code that writes a date into words calls these.

const dayMonthYear = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const hourMinute = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/London',
});

type DateLike = Date | string | number | null | undefined;

/** A date-only value ("2026-12-07") is that day wherever the server is; anything else is an instant. */
function toDate(value: DateLike): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T12:00:00Z`);
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "7 December 2026"; what is not a date is given back as it was. */
export function govukDate(value: DateLike): string {
  const date = toDate(value);
  return date ? dayMonthYear.format(date) : String(value ?? '');
}

/** "2:13pm", "midday" or "midnight". */
function time(date: Date): string {
  const [h, m] = hourMinute.format(date).split(':').map(Number) as [number, number];
  if (m === 0 && h === 12) return 'midday';
  if (m === 0 && h === 0) return 'midnight';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}:${String(m).padStart(2, '0')}${h < 12 ? 'am' : 'pm'}`;
}

/** "7 December 2026 at 2:13pm"; what is not a date is given back as it was. */
export function govukDateTime(value: DateLike): string {
  const date = toDate(value);
  return date ? `${dayMonthYear.format(date)} at ${time(date)}` : String(value ?? '');
}
