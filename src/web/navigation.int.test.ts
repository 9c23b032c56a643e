// The navigation offers each person only the sections their roles open: every link in it, for
// every kind of demo account, answers with a page rather than "you do not have permission".
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signIn, type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** One demo account of each set of roles (and a citizen). */
const accounts = [
  ...new Map(inject('demoCredentials').map((c) => [c.kind === 'citizen' ? 'citizen' : c.roles, c])).values(),
];

describe('the navigation', () => {
  it.each(accounts.map((a) => [a.kind === 'citizen' ? 'a citizen' : a.roles, a] as const))(
    'links %s only to pages they may open',
    async (_who, account) => {
      const cookie = await signIn(t.app, account.email, account.password);
      const home = await t.app.inject({ url: '/follow', headers: { accept: 'text/html', cookie } });
      const links = [...home.body.matchAll(/class="govuk-service-navigation__link" href="([^"]+)"/g)].map(
        (m) => m[1] as string,
      );
      expect(links.length).toBeGreaterThan(1);
      for (const href of links) {
        const page = await t.app.inject({ url: href, headers: { accept: 'text/html', cookie } });
        expect(page.statusCode, `${href} for ${account.email}`).toBeLessThan(400);
      }
    },
  );
});
