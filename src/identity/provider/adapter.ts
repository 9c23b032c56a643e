// oidc-provider's storage in PostgreSQL, so that any instance can carry on an interaction
// another began. Clients come from the relying parties table; disabled ones are not found.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../platform/index.ts';
import type { RelyingParties } from './clients.ts';
import * as store from './store.ts';

export function postgresAdapter(db: Db, clients: RelyingParties, clock: Clock) {
  const fromRow = (row: store.PayloadRow | undefined): AdapterPayload | undefined =>
    row && {
      ...row.payload,
      ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}),
    };

  class PostgresAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered with `flagstone clients add`');
      await store.upsertPayload(db, {
        model: this.model,
        id,
        payload,
        grant_id: payload.grantId ?? null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        expires_at: expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clients.metadata(id);
      return fromRow(await store.findPayload(db, this.model, 'id', id, clock.now()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return fromRow(await store.findPayload(db, this.model, 'uid', uid, clock.now()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return fromRow(await store.findPayload(db, this.model, 'user_code', userCode, clock.now()));
    }

    async consume(id: string): Promise<void> {
      await store.consumePayload(db, this.model, id, clock.now());
    }

    async destroy(id: string): Promise<void> {
      await store.deletePayload(db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.deleteByGrant(db, grantId);
    }
  }
  return PostgresAdapter;
}
