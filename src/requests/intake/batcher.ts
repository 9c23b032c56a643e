// Group commit: requests arriving together are stored together: one transaction, one ledger
// append and one commit for the lot, each answered only once that commit is durable. The
// transaction is pipelined: BEGIN goes with the search for the open cases they repeat, and the
// cases, their messages, their ledger entries and the COMMIT go together, so it costs two round
// trips however many requests it holds. Two batches may be in flight at once: the
// second finds its repeats while the first holds the ledger's lock (taken last, held to the commit).
import { randomInt, randomUUID } from 'node:crypto';
import type { Database, Db } from '../../db/index.ts';
import type { GovernanceService, LedgerEntry } from '../../governance/index.ts';
import type { Message, NotifyService } from '../../notify/index.ts';
import type { NewCaseRow } from '../store.ts';
import { sameReport } from './duplicates.ts';
import { sameOpenCases } from './repeats.ts';
import { insertCases, referenceTaken } from './store.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_FLUSHES = 2;

/** A reference: eight characters of 32 in two fours, like 7KQ2-M9XD. */
export const newReference = () =>
  Array.from({ length: 9 }, (_, i) => (i === 4 ? '-' : ALPHABET[randomInt(ALPHABET.length)])).join('');

/** A case to store, with what goes with it in its transaction. */
export interface NewCase {
  row: Omit<NewCaseRow, 'reference'>;
  /** The ledger entry, given the case's id and the reference of the open case it was joined to. */
  entry: (id: string, duplicateOf: string | null) => LedgerEntry;
  /** The messages to send, given the reference the citizen follows. */
  messages: (reference: string) => Message[];
  /** More to store with the case, in its transaction. */
  after?: (trx: Db, id: string) => Promise<void>;
}

interface PendingCase extends NewCase {
  resolve: (stored: StoredCase) => void;
  reject: (error: Error) => void;
}

export interface StoredCase {
  id: string;
  token: string;
  reference: string;
  /** The reference of the open case it repeats and was joined to. */
  duplicateOf: string | null;
}

interface Outlets {
  notify: NotifyService;
  governance: GovernanceService;
}

/** Stores a batch in the caller's transaction; `decided` hears which of its reports are new. */
async function storeCases(
  trx: Db,
  commit: () => void,
  items: NewCase[],
  { notify, governance }: Outlets,
  decided: (firsts: NewCase[]) => void,
): Promise<StoredCase[]> {
  // A repeat of an open report is stored joined to it, and closed: its reporter follows that
  // one. The repeat may be of a report stored earlier or of one earlier in this batch.
  const originals: ({ id: string; reference: string } | number | null)[] = await sameOpenCases(
    trx,
    items.map((item) => item.row),
  );
  items.forEach((item, i) => {
    if (originals[i]) return;
    const first = items.findIndex(
      (other, f) => f < i && originals[f] === null && sameReport(other.row, item.row),
    );
    if (first >= 0) originals[i] = first;
  });
  decided(items.filter((_, i) => originals[i] === null));
  // Each case's id and reference are drawn here, so that its messages and ledger entry can be
  // sent with it.
  const drawn = items.map(() => ({ id: randomUUID(), reference: newReference() }));
  // The case each report is joined to, if any: stored already, or drawn here for one before it.
  const joinedTo = originals.map((original) => (typeof original === 'number' ? drawn[original] : original));
  const cases = items.map((item, i) => {
    const joined = joinedTo[i] ?? null;
    const row = {
      ...item.row,
      ...(drawn[i] as { id: string; reference: string }),
      duplicate_of: joined?.id ?? null,
      status: joined ? ('closed' as const) : item.row.status,
      status_reason: joined ? `Already reported as ${joined.reference}: joined to it` : null,
    };
    return { item, row, joined };
  });
  // One INSERT holds the repeats with the cases they repeat: foreign keys are checked at its end.
  const written = Promise.all([
    insertCases(
      trx,
      cases.map((c) => c.row),
    ),
    notify.queue(
      trx,
      cases.flatMap(({ item, row, joined }) => item.messages((joined ?? row).reference)),
    ),
    // Last: the ledger's lock is held from here to the commit.
    governance.ledger.append(
      trx,
      cases.map(({ item, row, joined }) => item.entry(row.id, joined?.reference ?? null)),
    ),
  ]);
  // With nothing more to store after them, COMMIT goes with these statements: a reference already
  // taken fails the INSERT, and with it the commit.
  if (!items.some((item) => item.after)) commit();
  const [stored] = await written;
  for (const { item, row } of cases) await item.after?.(trx, row.id);
  const tokens = new Map(stored.map((r) => [r.id, r.token]));
  return cases.map(({ row, joined }) => ({
    id: row.id,
    reference: row.reference,
    token: tokens.get(row.id) as string,
    duplicateOf: joined?.reference ?? null,
  }));
}

// A batch with a repeat of a new report in a batch still being stored waits for that commit, so
// that it finds the report and joins it (within this instance; between instances, reports sent
// in the same few milliseconds may each make a case). It first waits for the other batch to
// find which of its reports are new: repeats of stored cases need no waiting for.
interface Storing {
  batch: NewCase[];
  firsts: NewCase[];
  decided: Promise<void>;
  done: Promise<void>;
}
const near = (a: NewCase[], b: NewCase[]) => a.some((x) => b.some((y) => sameReport(x.row, y.row)));

/** Stores batches, each in its pipelined transaction, drawing references again when one is taken. */
function batchStore({ pipelined }: Pick<Database, 'pipelined'>, outlets: Outlets) {
  const storing = new Set<Storing>();
  return async function storeBatch(batch: NewCase[]): Promise<StoredCase[]> {
    const others = [...storing].filter((s) => near(s.batch, batch));
    // In the set before anything is awaited, so a batch that comes next sees this one.
    let decide = () => {};
    let finish = () => {};
    const entry: Storing = {
      batch,
      firsts: batch,
      decided: new Promise<void>((resolve) => (decide = resolve)),
      done: new Promise<void>((resolve) => (finish = resolve)),
    };
    storing.add(entry);
    try {
      await Promise.all(others.map((s) => s.decided));
      await Promise.all(others.filter((s) => near(s.firsts, batch)).map((s) => s.done));
      for (let attempt = 1; ; attempt++) {
        try {
          return await pipelined((trx, commit) =>
            storeCases(trx, commit, batch, outlets, (firsts) => {
              entry.firsts = firsts;
              decide();
            }),
          );
        } catch (error) {
          // A reference drawn that was already taken (there are 32^8, so this is rare): the
          // transaction is rolled back and the batch drawn again.
          if (!referenceTaken(error) || attempt === 5) throw error;
        }
      }
    } finally {
      storing.delete(entry);
      decide();
      finish();
    }
  };
}

/** Takes cases one by one and stores those that arrive together as one batch. */
export function batcher(
  database: Pick<Database, 'pipelined'>,
  governance: GovernanceService,
  notify: NotifyService,
) {
  const storeBatch = batchStore(database, { notify, governance });
  let pending: PendingCase[] = [];
  let flushes = 0;
  let flushScheduled = false;

  async function flush(): Promise<void> {
    flushScheduled = false;
    flushes++;
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        const results = await storeBatch(batch);
        for (const [i, item] of batch.entries()) item.resolve(results[i] as never);
        notify.nudge();
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error as Error);
        // One bad row must not fail the others: store them one by one.
        else
          for (const item of batch) {
            await storeBatch([item]).then(([result]) => item.resolve(result as never), item.reject);
          }
        notify.nudge();
      }
    }
    flushes--;
  }

  /** Stores a case with the others arriving now; answered once their commit is durable. */
  return function storeCase(item: NewCase) {
    return new Promise<StoredCase>((resolve, reject) => {
      pending.push({ ...item, resolve, reject });
      // Started once this turn of the event loop is done, so that the requests read in this
      // turn, each still a few awaits from here, make one batch and not a batch of the first.
      if (flushes < MAX_FLUSHES && !flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  };
}
