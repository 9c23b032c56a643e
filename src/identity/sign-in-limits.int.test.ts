// Every way of giving a password, a code or a passkey is limited to 30 tries a minute from one
// address, wherever it is registered: the sign-in pages, the provider's interactions, passkeys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('the limit on sign-in attempts', () => {
  it.each([
    '/sign-in',
    '/sign-in/code',
    '/interaction/unknown/sign-in',
    '/interaction/unknown/code',
    '/sign-in/passkey/options',
    '/sign-in/passkey',
  ])('answers 429 to the 31st try in a minute at %s', async (url) => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        payload: { email: 'nobody@example.com', password: 'wrong' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 30)).not.toContain(429);
    expect(statuses[30]).toBe(429);
  });
});
