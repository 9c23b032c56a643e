// The keys trusted Open311 clients post requests with. Only a key's hash is stored; known keys
// are remembered as long as the routing table, so a busy client costs no query per request,
// and a revoked key stops working within that time.
import type { Db } from '../../db/index.ts';
import { type Actor, Forbidden, newToken, requireActor, sha256 } from '../../platform/index.ts';
import { ROUTING_CACHE_MS } from '../routing/index.ts';
import * as store from './store.ts';

type Client = Awaited<ReturnType<typeof store.findApiKey>>;

export function apiKeys(db: Db) {
  const known = new Map<string, { client: Client; at: number }>();
  return {
    /** A trusted Open311 client's key, shown once. */
    async createApiKey(actor: Actor | null, name: string): Promise<string> {
      const who = requireActor(actor);
      if (!who.roles.some((r) => r.role === 'admin'))
        throw new Forbidden('Only an administrator can issue API keys');
      const key = `o311_${newToken()}`;
      await store.insertApiKey(db, name.trim() || 'Open311 client', sha256(key));
      return key;
    },

    /** Issues a key without a signed-in administrator: for the command line and tests. */
    async issueApiKey(name: string, key: string): Promise<void> {
      await store.insertApiKey(db, name, sha256(key));
    },

    /** The client a key belongs to, or null. */
    async apiKey(key: string) {
      if (!key) return null;
      const keyHash = sha256(key);
      const remembered = known.get(keyHash);
      if (remembered && Date.now() - remembered.at < ROUTING_CACHE_MS) return remembered.client;
      const client = await store.findApiKey(db, keyHash);
      if (client) known.set(keyHash, { client, at: Date.now() });
      else known.delete(keyHash);
      return client;
    },
  };
}

export type ApiKeys = ReturnType<typeof apiKeys>;
