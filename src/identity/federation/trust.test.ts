import { describe, expect, it } from 'vitest';
import { confidenceOf, decideAccount, type ExistingAccount, usedSecondFactor } from './trust.ts';

describe('the identity confidence an upstream asserts', () => {
  it.each([
    ['Cl.Cm.P2', 'medium'],
    ['Cl.Cm.P3', 'medium'],
    ['Cl.P1', 'low'],
    ['Cl.Cm.P0', 'none'],
    ['Cl.Cm', 'none'],
    [undefined, 'none'],
    [42, 'none'],
    ['P22', 'none'],
  ])('reads %s as %s', (vot, confidence) => {
    expect(confidenceOf(vot)).toBe(confidence);
  });

  it('counts a second factor from amr or a Cm vector, not from a password alone', () => {
    expect(usedSecondFactor({ amr: ['pwd', 'mfa'] })).toBe(true);
    expect(usedSecondFactor({ vot: 'Cl.Cm' })).toBe(true);
    expect(usedSecondFactor({ amr: ['pwd'], vot: 'Cl' })).toBe(false);
    expect(usedSecondFactor({})).toBe(false);
  });
});

describe('which account a person signing in through an upstream is', () => {
  const person = { subject: 's1', email: 'ann@example.org', emailVerified: true };
  const account = (over: Partial<ExistingAccount> = {}): ExistingAccount => ({
    id: 'a1',
    kind: 'staff',
    disabled: false,
    inOrganisation: true,
    ...over,
  });

  it('signs a linked identity in to its account, unless the account is disabled', () => {
    expect(decideAccount('staff', person, account(), undefined)).toEqual({
      outcome: 'signed-in',
      accountId: 'a1',
    });
    expect(decideAccount('staff', person, account({ disabled: true }), undefined).outcome).toBe('refuse');
  });

  it('links an account with the same email only when the upstream verified the address', () => {
    expect(decideAccount('staff', person, undefined, account())).toEqual({
      outcome: 'link',
      accountId: 'a1',
    });
    const unverified = { ...person, emailVerified: false };
    expect(decideAccount('staff', unverified, undefined, account()).outcome).toBe('refuse');
  });

  it('never links across kinds or to staff of another organisation', () => {
    expect(decideAccount('citizen', person, undefined, account()).outcome).toBe('refuse');
    expect(decideAccount('staff', person, undefined, account({ inOrganisation: false })).outcome).toBe(
      'refuse',
    );
  });

  it('makes a new account when no account has the address, and refuses without an address', () => {
    expect(decideAccount('citizen', { ...person, emailVerified: false }, undefined, undefined)).toEqual({
      outcome: 'create',
    });
    expect(
      decideAccount('citizen', { subject: 's1', emailVerified: false }, undefined, undefined).outcome,
    ).toBe('refuse');
  });
});
