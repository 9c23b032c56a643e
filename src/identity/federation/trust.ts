// Pure: what Flagstone makes of a person an upstream OpenID Connect provider signed in — how
// sure it is of who they are (GOV.UK One Login's vectors of trust), whether they used a second
// factor there, and which Flagstone account they are: one already linked, one matched by a
// verified email address, a new one, or none (refused, with the reason).
import type { IdentityConfidence } from '../accounts/index.ts';

/**
 * The identity confidence a vector of trust asserts (`vot`, like "Cl.Cm.P2"): P0 none, P1 low,
 * P2 and above medium (the highest Flagstone distinguishes). No P component asserts none.
 */
export function confidenceOf(vot: unknown): IdentityConfidence {
  if (typeof vot !== 'string') return 'none';
  const levels = vot
    .split('.')
    .map((part) => /^P(\d)$/.exec(part)?.[1])
    .filter((level): level is string => level !== undefined)
    .map(Number);
  const highest = Math.max(0, ...levels);
  return highest >= 2 ? 'medium' : highest === 1 ? 'low' : 'none';
}

/** Whether the upstream says the person used more than one factor (RFC 8176 `amr`, or a `Cm` vector). */
export function usedSecondFactor(claims: { amr?: unknown; vot?: unknown }): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  if (amr.includes('mfa') || amr.includes('otp') || amr.includes('hwk')) return true;
  return typeof claims.vot === 'string' && claims.vot.split('.').includes('Cm');
}

export interface UpstreamPerson {
  subject: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
}

export interface ExistingAccount {
  id: string;
  kind: 'citizen' | 'staff';
  disabled: boolean;
  /** For staff: whether they hold a role in the upstream's organisation. */
  inOrganisation: boolean;
}

export type AccountDecision =
  | { outcome: 'signed-in'; accountId: string }
  | { outcome: 'link'; accountId: string }
  | { outcome: 'create' }
  | { outcome: 'refuse'; reason: string };

/**
 * Which account a person signing in through an upstream is. An identity linked before signs in
 * to its account; otherwise an account with the same email address is linked only when the
 * upstream verified that address and the account is of the kind the upstream serves (and, for
 * staff, in its organisation); with no such account, a new one is made.
 */
export function decideAccount(
  kind: 'citizen' | 'staff',
  person: UpstreamPerson,
  linked: ExistingAccount | undefined,
  sameEmail: ExistingAccount | undefined,
): AccountDecision {
  if (linked) {
    return linked.disabled
      ? { outcome: 'refuse', reason: 'Your account cannot be used to sign in.' }
      : { outcome: 'signed-in', accountId: linked.id };
  }
  if (!person.email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(person.email)) {
    return {
      outcome: 'refuse',
      reason:
        'The service you signed in with did not give us your email address, so we cannot set up your account.',
    };
  }
  if (!sameEmail) return { outcome: 'create' };
  const fits =
    !sameEmail.disabled && sameEmail.kind === kind && (kind === 'citizen' || sameEmail.inOrganisation);
  if (person.emailVerified && fits) return { outcome: 'link', accountId: sameEmail.id };
  return {
    outcome: 'refuse',
    reason: person.emailVerified
      ? 'There is already an account with your email address that cannot be signed in to this way. Sign in with your email address and password.'
      : 'There is already an account with your email address, and the service you signed in with has not confirmed that the address is yours. Sign in with your email address and password.',
  };
}
