// Pages that are the same for everyone not signed in, such as the start page and the open data
// catalogue. Rendering GOV.UK's macros is most of what such a page costs, so each is rendered once
// for the data it shows and kept, keyed by that very data: a change to the data makes a new page
// at once, in every instance, with nothing to invalidate. Each answer gets its own CSP nonce, and
// its own CSRF token where the page has a form, put in where the rendering left a mark. Only
// someone not signed in is given a kept page, and it is what rendering again would give them.
import { randomBytes } from 'node:crypto';

/** How many renderings are kept (the oldest goes first): a handful of pages, a few versions each. */
const KEPT = 64;

/** What a kept rendering has instead of the nonce and the CSRF token, unguessable and never in data. */
const marks = () => {
  const mark = randomBytes(12).toString('hex');
  return { nonce: `flagstone-nonce-${mark}`, csrf: `flagstone-csrf-${mark}` };
};

export interface SharedRendering {
  /** What the page is rendered with in place of this answer's nonce and CSRF token. */
  readonly marks: { nonce: string; csrf: string };
  /**
   * The page rendered for `key` (its template, address and data), rendering it with `render`
   * only when no rendering for that key is kept or under way.
   */
  html(key: string, render: () => Promise<string>): Promise<string>;
  /** The kept page made this answer's: its own nonce, and its own CSRF token if it has a form. */
  fill(html: string, answer: { nonce: () => string; csrfToken: () => string }): string;
}

export function sharedRendering(): SharedRendering {
  const mark = marks();
  const kept = new Map<string, Promise<string>>();
  return {
    marks: mark,
    html(key, render) {
      const found = kept.get(key);
      if (found) return found;
      // Kept while under way too, so that fifty answers at once render the page once.
      const rendering = render();
      kept.set(key, rendering);
      rendering.catch(() => kept.delete(key));
      if (kept.size > KEPT) kept.delete(kept.keys().next().value as string);
      return rendering;
    },
    fill(html, answer) {
      const withNonce = html.replaceAll(mark.nonce, answer.nonce());
      return withNonce.includes(mark.csrf) ? withNonce.replaceAll(mark.csrf, answer.csrfToken()) : withNonce;
    },
  };
}
