// Whether an entry's columns say what its hashed body says. The columns beside the body are what
// the break-glass queue, "Your data" and unusual access read; someone may change one of them
// without touching the body, so `audit verify` checks every entry's.
import {
  ACTION,
  ACTOR,
  AT,
  BODY,
  BREAK_GLASS,
  type CopyRows,
  DECISION,
  EPOCH_2000_US,
  FIELDS,
  int64,
  type Row,
  SUBJECT,
} from './ledger-copy.ts';

const same = (column: string | null, value: unknown) => column === (value ?? null);

/** Whether the row's columns say what its body, parsed, says; a body that is not JSON never fits. */
export function fits(row: Row): boolean {
  let b: {
    action?: unknown;
    actor?: { account?: unknown } | null;
    subject?: unknown;
    decision?: unknown;
    breakGlass?: unknown;
    at?: unknown;
  };
  try {
    b = JSON.parse(row.body);
  } catch {
    return false;
  }
  if (!b || typeof b !== 'object') return false;
  return (
    same(row.action, b.action) &&
    same(row.actor, b.actor?.account) &&
    same(row.subject, b.subject) &&
    same(row.decision, b.decision) &&
    row.break_glass === (b.breakGlass === true) &&
    typeof b.at === 'string' &&
    row.at_us === Date.parse(b.at) * 1000
  );
}

// A body as the ledger writes it (canonical JSON, members sorted by key, each once) read from its
// bytes without parsing it or making text of it: how nearly every entry is checked. Only the
// members the columns are checked against are read, each a string without escapes, null or a
// boolean, in their order from the start and `subject`, the last, from the end; anchored at both
// ends and never crossing a bracket it does not match, so each member it finds is one of the
// body's own, not one inside `detail` or `resource` (no byte of a character beyond ASCII is a
// quote, a backslash, a bracket, a comma or a colon). It says only that an entry fits: an entry it
// cannot read so, or whose columns differ, is left to `fits`, which parses the body.
const [QUOTE, BACKSLASH, COMMA, COLON, OPEN, CLOSE] = [0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d];
const word = (text: string) => Buffer.from(text, 'latin1');
const ACTING_FOR = word('"actingFor":');
const ACTION_IS = word('"action":');
const ACTOR_IS = word(',"actor":');
const ACCOUNT_IS = word('{"account":');
const AGREEMENT_IS = word(',"agreement":');
const AT_IS = word(',"at":');
const BREAK_GLASS_IS = word(',"breakGlass":');
const DECISION_IS = word(',"decision":');
const SUBJECT_IS = word(',"subject":');
const [NULL, TRUE, FALSE] = [word('null'), word('true'), word('false')];

/** Whether `literal` is at `at` in the bytes, before `end`. */
function has(bytes: Buffer, at: number, literal: Buffer, end: number): boolean {
  if (at + literal.length > end) return false;
  for (let i = 0; i < literal.length; i++) if (bytes[at + i] !== literal[i]) return false;
  return true;
}

/** The end of a string without escapes that starts at `at` (after its closing quote), or -1. */
function stringEnd(bytes: Buffer, at: number, end: number): number {
  if (bytes[at] !== QUOTE) return -1;
  for (let i = at + 1; i < end; i++) {
    const c = bytes[i];
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/** The end of null or a string without escapes at `at`, or -1. */
const flatEnd = (bytes: Buffer, at: number, end: number) =>
  has(bytes, at, NULL, end) ? at + 4 : stringEnd(bytes, at, end);

/** Whether a member's value at [start, end) (null, or a string's quotes around its bytes) says what a text column does. */
function sameText(bytes: Buffer, start: number, end: number, column: number, length: number): boolean {
  if (length < 0) return end - start === 4 && bytes[start] !== QUOTE;
  if (end - start - 2 !== length || bytes[start] !== QUOTE) return false;
  for (let i = 0; i < length; i++) if (bytes[start + 1 + i] !== bytes[column + i]) return false;
  return true;
}

const HEX_DIGITS = word('0123456789abcdef');
/** Whether a member's value at [start, end) says what a uuid column does, as PostgreSQL writes a uuid. */
function sameUuid(bytes: Buffer, start: number, end: number, column: number, length: number): boolean {
  if (length < 0) return end - start === 4 && bytes[start] !== QUOTE;
  if (end - start !== 38 || bytes[start] !== QUOTE) return false;
  let at = start + 1;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) if (bytes[at++] !== 0x2d) return false;
    const b = bytes[column + i] as number;
    if (bytes[at++] !== HEX_DIGITS[b >> 4] || bytes[at++] !== HEX_DIGITS[b & 15]) return false;
  }
  return true;
}

/** Whether the `length` bytes at `at` are the first of `other`: a loop, cheaper than Buffer#compare for so few. */
function sameBytes(bytes: Buffer, at: number, other: Buffer, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[at + i] !== other[i]) return false;
  return true;
}

// The time of the last entry read, as bytes and in microseconds: entries written together share it.
const lastTime = Buffer.alloc(64);
let lastTimeLength = -1;
let lastTimeUs = Number.NaN;
function timeUs(bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === lastTimeLength && sameBytes(bytes, start, lastTime, length)) return lastTimeUs;
  lastTimeUs = Date.parse(bytes.toString('latin1', start, end)) * 1000;
  lastTimeLength = length <= lastTime.length ? length : -1;
  bytes.copy(lastTime, 0, start, Math.min(end, start + lastTime.length));
  return lastTimeUs;
}

/** Whether `needle` is anywhere in [from, end) of the bytes. */
const within = (bytes: Buffer, from: number, end: number, needle: Buffer) =>
  bytes.subarray(from, end).indexOf(needle) >= 0;
const [ACTOR_KEY, SUBJECT_KEY] = [word('"actor":'), word('"subject":')];

/**
 * Reads the actor member after the action at `at` against the actor column: the end of the
 * member, or -1. With no actor member there, the column must be null and the body hold no
 * `"actor":` at all, at any depth.
 */
function actorEnd(bytes: Buffer, at: number, end: number, column: number, length: number): number {
  if (!has(bytes, at, ACTOR_IS, end)) return length < 0 && !within(bytes, at, end, ACTOR_KEY) ? at : -1;
  at += ACTOR_IS.length;
  if (has(bytes, at, NULL, end)) return length < 0 ? at + 4 : -1;
  if (!has(bytes, at, ACCOUNT_IS, end)) return -1;
  const account = at + ACCOUNT_IS.length;
  at = flatEnd(bytes, account, end);
  if (at < 0 || !sameUuid(bytes, account, at, column, length)) return -1;
  while (bytes[at] === COMMA) {
    at = stringEnd(bytes, at + 1, end);
    if (at < 0 || bytes[at++] !== COLON) return -1;
    at = has(bytes, at, TRUE, end) ? at + 4 : has(bytes, at, FALSE, end) ? at + 5 : flatEnd(bytes, at, end);
    if (at < 0) return -1;
  }
  return bytes[at] === CLOSE ? at + 1 : -1;
}

/**
 * Whether the subject, the body's last member when it has one (`,"subject":` and null or a string
 * without escapes, read from the end), says what the column does; the members read so far end at
 * `at`. With none, the column must be null and the body hold no `"subject":` after `at`.
 */
function subjectFits(bytes: Buffer, at: number, end: number, column: number, length: number): boolean {
  let subject = end - 1 - 4;
  if (!has(bytes, subject, NULL, end)) {
    subject = end - 3;
    while (subject > at && bytes[subject] !== QUOTE && bytes[subject] !== BACKSLASH) subject--;
    if (bytes[end - 2] !== QUOTE || bytes[subject] !== QUOTE) subject = -1;
  }
  if (subject - SUBJECT_IS.length <= at || !has(bytes, subject - SUBJECT_IS.length, SUBJECT_IS, end))
    return length < 0 && !within(bytes, at, end, SUBJECT_KEY);
  return sameUuid(bytes, subject, end - 1, column, length);
}

/** The time column against the body's at member, a string from `time` (its quote) to `end`. */
function timeFits(bytes: Buffer, time: number, end: number, column: number): boolean {
  const high = bytes.readInt32BE(column);
  return (
    Math.abs(high) < 2 ** 20 && int64(bytes, column) + EPOCH_2000_US === timeUs(bytes, time + 1, end - 1)
  );
}

/** Whether row `row` of a COPY surely fits: its body read as the ledger writes it, its columns the same. */
export function surelyFits(rows: CopyRows, row: number): boolean {
  const { bytes, starts, lengths } = rows;
  const base = FIELDS * row;
  const start = starts[base + BODY] as number;
  const end = start + (lengths[base + BODY] as number);
  const column = (f: number) => starts[base + f] as number;
  const length = (f: number) => lengths[base + f] as number;
  if (end - start < 2 || bytes[start] !== OPEN || bytes[end - 1] !== CLOSE) return false;
  let at = start + 1;
  if (has(bytes, at, ACTING_FOR, end)) {
    at = flatEnd(bytes, at + ACTING_FOR.length, end);
    if (at < 0 || bytes[at++] !== COMMA) return false;
  }
  if (!has(bytes, at, ACTION_IS, end)) return false;
  const action = at + ACTION_IS.length;
  at = flatEnd(bytes, action, end);
  if (at < 0 || !sameText(bytes, action, at, column(ACTION), length(ACTION))) return false;
  at = actorEnd(bytes, at, end, column(ACTOR), length(ACTOR));
  if (at < 0) return false;
  if (has(bytes, at, AGREEMENT_IS, end)) {
    at = flatEnd(bytes, at + AGREEMENT_IS.length, end);
    if (at < 0) return false;
  }
  if (!has(bytes, at, AT_IS, end)) return false;
  const time = at + AT_IS.length;
  at = stringEnd(bytes, time, end);
  if (at < 0 || !timeFits(bytes, time, at, column(AT))) return false;
  let breakGlass = false;
  if (has(bytes, at, BREAK_GLASS_IS, end)) {
    at += BREAK_GLASS_IS.length;
    breakGlass = has(bytes, at, TRUE, end);
    if (!breakGlass && !has(bytes, at, FALSE, end)) return false;
    at += breakGlass ? 4 : 5;
  }
  if (breakGlass !== (bytes[column(BREAK_GLASS)] === 1)) return false;
  if (has(bytes, at, DECISION_IS, end)) {
    const decision = at + DECISION_IS.length;
    at = flatEnd(bytes, decision, end);
    if (at < 0 || !sameText(bytes, decision, at, column(DECISION), length(DECISION))) return false;
  } else if (length(DECISION) >= 0) return false;
  return bytes[at] === COMMA && subjectFits(bytes, at, end, column(SUBJECT), length(SUBJECT));
}
