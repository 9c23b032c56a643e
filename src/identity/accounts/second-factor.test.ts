import { describe, expect, it } from 'vitest';
import { acceptedStep, newTotpSecret, totpCode, totpUri } from './second-factor.ts';

const at = new Date('2026-03-01T10:00:10Z');

describe('time-based one-time codes', () => {
  it('accepts the current code and the codes either side, once each', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const step = acceptedStep(secret, totpCode(secret, at), at, 0);
    expect(step).toBe(Math.floor(at.getTime() / 30_000));
    expect(acceptedStep(secret, totpCode(secret, new Date(at.getTime() - 30_000)), at, 0)).toBe(
      (step ?? 0) - 1,
    );
    expect(acceptedStep(secret, totpCode(secret, at), at, step ?? 0)).toBeNull();
  });

  it('refuses a wrong, malformed or stale code', () => {
    const secret = newTotpSecret();
    const code = totpCode(secret, at);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (const bad of [wrong, '12345', 'abcdef', '']) expect(acceptedStep(secret, bad, at, 0)).toBeNull();
    expect(acceptedStep(secret, totpCode(secret, new Date(at.getTime() - 120_000)), at, 0)).toBeNull();
    expect(acceptedStep(secret, code.replace(/(\d{3})/, '$1 '), at, 0)).not.toBeNull();
  });

  it('gives an otpauth address naming the service and the account', () => {
    expect(totpUri('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'jo@example.org', 'Flagstone')).toMatch(
      /^otpauth:\/\/totp\/Flagstone:jo%40example\.org\?issuer=Flagstone&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP/,
    );
  });
});
