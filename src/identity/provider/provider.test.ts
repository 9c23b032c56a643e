import { describe, expect, it } from 'vitest';
import { allowFormsToReach } from './provider.ts';

const csp = "default-src 'self';form-action 'self';frame-ancestors 'none'";

describe('the sign-in pages’ Content-Security-Policy', () => {
  it('lets forms end at the origin of the relying party’s redirect address, and nowhere else', () => {
    expect(allowFormsToReach(csp, 'https://rp.example/callback?x=1')).toBe(
      "default-src 'self';form-action 'self' https://rp.example;frame-ancestors 'none'",
    );
  });

  it('is unchanged without a usable web address', () => {
    for (const uri of [undefined, '', 'not a url', 'data:text/html,hi', 42]) {
      expect(allowFormsToReach(csp, uri)).toBe(csp);
    }
  });
});
