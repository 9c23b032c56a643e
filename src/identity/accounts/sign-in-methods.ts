// How a session was signed in to, as the session records it, and which ways count as a second
// factor (something the person has as well as something they know): the provider's ID tokens
// and the pages that ask for a second factor both go by it.

/** How a session was signed in to with a password and a code from an authenticator app. */
export const PASSWORD_AND_TOTP = 'password+totp';

/** How a session signed in with a passkey is recorded; it counts as a second factor. */
export const PASSKEY = 'passkey';

/** Whether a session's sign-in method used a second factor: here, or at an upstream provider. */
export const usedSecondFactor = (method: string) =>
  method === PASSWORD_AND_TOTP || method === PASSKEY || method.endsWith('+mfa');
