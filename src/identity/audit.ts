// The audit ledger as identity writes to it. The ledger is governance's; identity is given it
// by the composition root and says here only what it needs of it, so that identity does not
// depend on governance. Each sub-feature says what its own entries are (its audit.ts).
import type { Db } from '../db/index.ts';
import type { Actor } from '../platform/index.ts';

/** An entry identity writes: governance's ledger entries have these fields (and more). */
export interface LedgerEntry {
  action: string;
  actor?: { account: string; kind: 'citizen' | 'staff' | 'client'; organisation?: string } | null;
  actingFor?: string | null;
  resource?: { type: string; id: string } | null;
  /** The account of the person the entry is about: citizens see these. */
  subject?: string | null;
  decision?: 'allow' | 'deny' | null;
  detail?: Record<string, string | number | boolean | null>;
}

/** The audit ledger as identity writes to it. */
export interface Ledger {
  /** Appends inside the caller's transaction, so the entries commit (or not) with its writes. */
  append(trx: Db, entries: LedgerEntry[]): Promise<unknown>;
  /** Appends outside any transaction; resolves once the entries are committed. */
  record(entries: LedgerEntry[]): Promise<void>;
}

type Who = NonNullable<LedgerEntry['actor']>;

/** Who did something, as the ledger names them: a person, or a machine client for its organisation. */
export function who(actor: Pick<Actor, 'accountId' | 'kind' | 'machine' | 'roles'>): Who {
  if (actor.machine)
    return { account: actor.accountId, kind: 'client', organisation: actor.roles[0]?.organisation };
  return { account: actor.accountId, kind: actor.kind };
}
