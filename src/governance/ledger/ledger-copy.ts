// The ledger read as PostgreSQL's binary COPY: no text made of any value by the database, and
// nothing made of a row by the driver; `audit verify` reads the values straight from the bytes.
import type pg from 'pg';

/** The columns read, in the order the fields of each row come in. */
export const COLUMNS =
  'seq, hash, actor_account_id, subject_account_id, decision, break_glass, at, action, body';
export const [SEQ, HASH, ACTOR, SUBJECT, DECISION, BREAK_GLASS, AT, ACTION, BODY] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
];
export const FIELDS = 9;
/** The lengths the binary forms of bigint, uuid, boolean and timestamptz always have. */
const FIXED: Record<number, number> = { [SEQ]: 8, [ACTOR]: 16, [SUBJECT]: 16, [BREAK_GLASS]: 1, [AT]: 8 };
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Microseconds from 1970 to 2000, where PostgreSQL's timestamps count from. */
export const EPOCH_2000_US = 946_684_800_000_000;

/** The rows of a binary COPY: where each of a row's fields starts in the bytes, and its length (-1: null). */
export interface CopyRows {
  bytes: Buffer;
  count: number;
  starts: Int32Array;
  lengths: Int32Array;
}

export const malformed = (why: string) => new Error(`the ledger's rows came in an unexpected form: ${why}`);

/** Finds the fields of every row of a binary COPY of the columns above; throws on anything else. */
export function copyRows(bytes: Buffer): CopyRows {
  if (bytes.length < 19 || !bytes.subarray(0, 11).equals(SIGNATURE)) throw malformed('no COPY header');
  let at = 15 + 4 + bytes.readUInt32BE(15);
  // Room for a range of verify (4,096 entries and the one before it), grown for more.
  let starts = new Int32Array(FIELDS * 4097);
  let lengths = new Int32Array(FIELDS * 4097);
  let count = 0;
  for (;;) {
    if (at + 2 > bytes.length) throw malformed('the rows end early');
    const fields = bytes.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    if (fields !== FIELDS) throw malformed(`a row of ${fields} fields`);
    if (FIELDS * (count + 1) > starts.length) {
      starts = grown(starts);
      lengths = grown(lengths);
    }
    for (let f = 0; f < FIELDS; f++) {
      if (at + 4 > bytes.length) throw malformed('the rows end early');
      const length = bytes.readInt32BE(at);
      at += 4;
      if (length < -1 || at + Math.max(length, 0) > bytes.length)
        throw malformed('a field runs past the end');
      const fixed = FIXED[f];
      if (fixed !== undefined && length !== fixed && !(length === -1 && (f === ACTOR || f === SUBJECT)))
        throw malformed(`a field ${f} of ${length} bytes`);
      starts[FIELDS * count + f] = at;
      lengths[FIELDS * count + f] = length;
      at += Math.max(length, 0);
    }
    count++;
  }
  return { bytes, count, starts, lengths };
}

const grown = (array: Int32Array) => {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
};

/** A bigint field as a number: the ledger's numbers stay far below 2^53. */
export const int64 = (bytes: Buffer, at: number) =>
  bytes.readInt32BE(at) * 2 ** 32 + bytes.readUInt32BE(at + 4);

export const seqOf = (rows: CopyRows, row: number) =>
  int64(rows.bytes, rows.starts[FIELDS * row + SEQ] as number);

/** An entry's columns as the verifier compares them with its body. */
export interface Row {
  body: string;
  action: string | null;
  actor: string | null;
  subject: string | null;
  decision: string | null;
  break_glass: boolean;
  /** Microseconds since 1970, exactly (NaN when too far from now to be exact). */
  at_us: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A uuid's text as PostgreSQL writes it: lower-case hexadecimal, grouped 8-4-4-4-12. */
function uuidText(bytes: Buffer, at: number): string {
  let text = '';
  for (let i = 0; i < 16; i++)
    text += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[bytes[at + i] as number];
  return text;
}

/** The columns of row `row` of a binary COPY. */
export function rowOf(rows: CopyRows, row: number): Row {
  const { bytes, starts, lengths } = rows;
  const base = FIELDS * row;
  const text = (f: number) =>
    (lengths[base + f] as number) < 0
      ? null
      : bytes.toString(
          'utf8',
          starts[base + f],
          (starts[base + f] as number) + (lengths[base + f] as number),
        );
  const uuid = (f: number) =>
    (lengths[base + f] as number) < 0 ? null : uuidText(bytes, starts[base + f] as number);
  const at = starts[base + AT] as number;
  const high = bytes.readInt32BE(at);
  return {
    body: text(BODY) ?? '',
    action: text(ACTION),
    actor: uuid(ACTOR),
    subject: uuid(SUBJECT),
    decision: text(DECISION),
    break_glass: bytes[starts[base + BREAK_GLASS] as number] === 1,
    // Exact below 2^52 microseconds from 2000 (the year 2142); beyond, no body's time fits it.
    at_us: Math.abs(high) < 2 ** 20 ? int64(bytes, at) + EPOCH_2000_US : Number.NaN,
  };
}

/** A COPY ... TO STDOUT run through pg's client, its bytes gathered into one buffer. */
export class CopyOut implements pg.Submittable {
  private bytes: Buffer | null = null;
  private length = 0;
  private settle: { resolve: (bytes: Buffer) => void; reject: (error: Error) => void } | null = null;
  readonly done: Promise<Buffer>;

  private readonly text: string;
  private readonly lend: () => Buffer;

  /** `lend` gives the buffer to gather the bytes in, once they begin to come. */
  constructor(text: string, lend: () => Buffer) {
    this.text = text;
    this.lend = lend;
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: pg.Connection) {
    connection.query(this.text);
  }

  // The chunk is a view of the driver's own buffer, which it reuses: copied at once.
  handleCopyData(message: { chunk: Buffer }) {
    const { chunk } = message;
    this.bytes ??= this.lend();
    if (this.length + chunk.length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(2 * (this.length + chunk.length));
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    chunk.copy(this.bytes, this.length);
    this.length += chunk.length;
  }

  handleCommandComplete() {}

  handleReadyForQuery() {
    this.settle?.resolve(this.bytes ? this.bytes.subarray(0, this.length) : Buffer.alloc(0));
  }

  /** The whole buffer the bytes were gathered in, to lend again once they are no longer needed. */
  get buffer(): Buffer | null {
    return this.bytes;
  }

  handleError(error: Error) {
    this.settle?.reject(error);
  }

  // Anything but COPY's messages: a statement that is not the one sent.
  handleRowDescription() {
    this.settle?.reject(malformed('rows instead of COPY'));
  }
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
}
