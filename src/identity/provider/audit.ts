// What the OpenID Connect provider writes to the audit ledger: sign-ins to other services
// through Flagstone and the consent given to them, changes to the relying parties, and rotations
// of the signing keys.
import type { Actor } from '../../platform/index.ts';
import { type LedgerEntry, who } from '../audit.ts';

const client = (clientId: string) => ({ type: 'relying_party', id: clientId });

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
