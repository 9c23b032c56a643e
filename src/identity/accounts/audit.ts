// What accounts write to the audit ledger: sign-ins, setting up and stepping up to a second
// factor, and adding, removing and refused uses of passkeys.
import type { Actor } from '../../platform/index.ts';
import { type LedgerEntry, who } from '../audit.ts';

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
