// The keys that sign ID tokens and access tokens, kept in the database so that every
// instance signs with the same key. Rotating makes a new key sign at once; the retired
// key stays published in the JWKS until every token it signed has expired.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import { keysRotated } from './audit.ts';
import * as store from './store.ts';

export const SIGNING_ALG = 'RS256';
/** The longest a signed token lives (ID tokens); a retired key is published this long, and a margin. */
export const SIGNED_TOKEN_TTL_SECONDS = 60 * 60;
const PUBLISHED_AFTER_RETIREMENT_MS = (SIGNED_TOKEN_TTL_SECONDS + 5 * 60) * 1000;

async function newKey() {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, private_jwk: { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' } };
}

export function signingKeys(db: Db, clock: Clock, ledger?: Pick<Ledger, 'record'>) {
  const publishedSince = () => new Date(clock.now().getTime() - PUBLISHED_AFTER_RETIREMENT_MS);
  let rotations = 0;
  return {
    /** How many times this process rotated the keys: the provider rebuilds at once when it changes. */
    rotations: () => rotations,

    /** Private keys for the provider: the one that signs first, then those still published. */
    async privateKeys(): Promise<JWK[]> {
      let rows = await store.publishedKeys(db, publishedSince());
      if (!rows.some((r) => r.retired_at === null)) {
        await store.insertFirstSigningKey(db, await newKey());
        rows = await store.publishedKeys(db, publishedSince());
      }
      return rows.map((r) => r.private_jwk);
    },

    /** Public halves of the published keys, to verify tokens with. */
    async publicKeys(): Promise<JWK[]> {
      const rows = await store.publishedKeys(db, publishedSince());
      return rows.map(({ private_jwk: { kty, n, e, crv, x, y, kid, alg, use } }) =>
        Object.fromEntries(Object.entries({ kty, n, e, crv, x, y, kid, alg, use }).filter(([, v]) => v)),
      ) as JWK[];
    },

    /** Signs with a new key from now; the old one is published until its tokens expire. */
    async rotate(): Promise<{ kid: string; retiredUnpublishedAfter: Date }> {
      const key = await newKey();
      await store.replaceSigningKey(db, key, clock.now());
      rotations++;
      await ledger?.record([keysRotated(key.kid)]);
      await store.deleteKeysRetiredBefore(db, publishedSince());
      return {
        kid: key.kid,
        retiredUnpublishedAfter: new Date(clock.now().getTime() + PUBLISHED_AFTER_RETIREMENT_MS),
      };
    },
  };
}

export type SigningKeys = ReturnType<typeof signingKeys>;
