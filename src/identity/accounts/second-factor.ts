// The second factor: time-based one-time codes (RFC 6238) from an authenticator app. Pure:
// the time is passed in. A code is accepted for the 30-second step it was made in, or the
// steps either side (clocks drift), and never for a step at or before the last one used.
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'Flagstone', issuer = 'Flagstone') {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** The address an authenticator app reads from a QR code or a link. */
export function totpUri(secret: string, label: string, issuer: string): string {
  return totp(secret, label, issuer).toString();
}

/** The code an authenticator app shows at this time (for tests and demos). */
export function totpCode(secret: string, at: Date): string {
  return totp(secret).generate({ timestamp: at.getTime() });
}

/** The time step a correct, unused code was made in; null when the code is wrong or used. */
export function acceptedStep(secret: string, code: string, at: Date, lastStep: number): number | null {
  const clean = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const delta = totp(secret).validate({ token: clean, timestamp: at.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS) + delta;
  return step > lastStep ? step : null;
}
