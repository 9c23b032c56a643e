// What identity writes to the audit ledger: sign-ins, sign-ins to other services through
// Flagstone and the consent given to them, and changes to the relying parties. The ledger is
// governance's; identity is given it and says here only what it needs of it, so that identity
// does not depend on governance (which depends on identity for the second-factor check).
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

export function who(actor: Pick<Actor, 'accountId' | 'kind' | 'machine' | 'roles'>): Who {
  if (actor.machine)
    return { account: actor.accountId, kind: 'client', organisation: actor.roles[0]?.organisation };
  return { account: actor.accountId, kind: actor.kind };
}

const client = (clientId: string) => ({ type: 'relying_party', id: clientId });

export const signedIn = (
  account: { id: string; kind: 'citizen' | 'staff' },
  method: string,
  identityConfidence?: string,
): LedgerEntry => ({
  action: 'identity.sign_in',
  actor: { account: account.id, kind: account.kind },
  subject: account.id,
  detail: { method, ...(identityConfidence ? { identityConfidence } : {}) },
});

export const signedInToService = (actor: Actor, clientId: string, method: string): LedgerEntry => ({
  action: 'identity.sign_in_to_service',
  actor: who(actor),
  subject: actor.accountId,
  resource: client(clientId),
  detail: { method },
});

export const consented = (
  actor: Actor,
  clientId: string,
  allowed: boolean,
  scopes: string[],
): LedgerEntry => ({
  action: 'identity.consent',
  actor: who(actor),
  subject: actor.accountId,
  resource: client(clientId),
  decision: allowed ? 'allow' : 'deny',
  detail: { scopes: scopes.join(' ') },
});

export const clientChanged = (
  actor: Actor | null,
  clientId: string,
  change: 'added' | 'changed' | 'disabled' | 'enabled',
): LedgerEntry => ({
  action: `identity.relying_party_${change}`,
  actor: actor ? who(actor) : null,
  resource: client(clientId),
  ...(actor ? {} : { detail: { via: 'command line' } }),
});

export const keysRotated = (kid: string): LedgerEntry => ({
  action: 'identity.signing_keys_rotated',
  actor: null,
  resource: { type: 'signing_key', id: kid },
  detail: { via: 'command line' },
});

export const secondFactorSetUp = (actor: Actor): LedgerEntry => ({
  action: 'identity.second_factor_set_up',
  actor: who(actor),
  subject: actor.accountId,
  detail: { method: 'totp' },
});

export const steppedUp = (actor: Actor): LedgerEntry => ({
  action: 'identity.stepped_up',
  actor: who(actor),
  subject: actor.accountId,
  detail: { method: 'totp' },
});

export const passkeyAdded = (actor: Actor, name: string): LedgerEntry => ({
  action: 'identity.passkey_added',
  actor: who(actor),
  subject: actor.accountId,
  detail: { name },
});

export const passkeyRemoved = (actor: Actor, name: string): LedgerEntry => ({
  action: 'identity.passkey_removed',
  actor: who(actor),
  subject: actor.accountId,
  detail: { name },
});

/** A passkey sign-in refused for a known passkey (an unknown one names nobody to record it against). */
export const passkeyRefused = (
  account: { id: string; kind: 'citizen' | 'staff' },
  reason: string,
): LedgerEntry => ({
  action: 'identity.passkey_refused',
  actor: { account: account.id, kind: account.kind },
  subject: account.id,
  decision: 'deny',
  detail: { reason },
});
