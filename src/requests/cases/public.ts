// What the public and the citizen read of requests: the public face of a case (a report joined
// to another is seen as that one), its public updates, the open requests near a point, and a
// signed-in citizen's own requests, each read written to the ledger.
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Forbidden } from '../../platform/index.ts';
import { type CaseRow, looksLikeId, normalReference, type PublicRequest, toPublic } from '../case.ts';
import type { CaseGuard } from '../guard.ts';
import { findCase, updatesOf } from '../store.ts';
import * as store from './store.ts';
import { writers } from './updates.ts';

export function publicCases(
  db: Db,
  governance: GovernanceService,
  places: Pick<PlacesService, 'organisationsById'>,
  guard: CaseGuard,
) {
  /** What the public sees for a case: a report joined to another is seen as that one. */
  const publicFace = async (row: CaseRow) => (row.duplicate_of ? guard.load({ id: row.duplicate_of }) : row);

  return {
    /** Public requests by the Open311 filters; the caller decides the default window. */
    async publicRequests(filter: store.PublicFilter): Promise<PublicRequest[]> {
      return (await store.publicCases(db, filter)).map(toPublic);
    },

    async publicRequest(reference: string): Promise<PublicRequest | null> {
      const row = await findCase(db, { reference: normalReference(reference) });
      return row ? toPublic(await publicFace(row)) : null;
    },

    async referenceOfToken(token: string): Promise<string | null> {
      if (!looksLikeId(token)) return null;
      const row = await findCase(db, { token });
      return row ? (await publicFace(row)).reference : null;
    },

    /** Anyone with the reference follows a request: its public face, public updates, where it was referred. */
    async follow(reference: string) {
      const asked = await guard.load({ reference: normalReference(reference) });
      const row = await publicFace(asked);
      const updates = await updatesOf(db, row.id, ['public']);
      const writer = await writers(places, updates);
      return {
        request: toPublic(row),
        /** The reference asked for, when it was joined to this request. */
        joined: row === asked ? null : asked.reference,
        updates: updates.map((u) => ({
          at: u.created_at.toISOString(),
          body: u.body,
          status: u.status,
          organisationName: writer(u),
        })),
      };
    },

    /** Open requests of the same service near a point ("already reported?"): public fields only. */
    async nearby(serviceCode: string, lat: number, lon: number, degrees = 0.002) {
      return (await store.nearbyOpen(db, serviceCode, lat, lon, degrees)).map(toPublic);
    },

    /** A signed-in citizen's requests, across every organisation. */
    async mine(actor: Actor | null, requestId?: string) {
      const p = await guard.principal(actor);
      if (p.kind !== 'citizen') throw new Forbidden('This list is for citizens');
      const rows = await store.casesOfCitizen(db, p.accountId);
      const entries: Decision[] = [];
      const shown: (PublicRequest & { latestUpdate: { at: string; body: string } | null })[] = [];
      for (const row of rows) {
        const read = guard.readOf(p, row, 'case.read', requestId);
        if (!read.allowed) continue;
        entries.push(read);
        const face = await publicFace(row);
        const latest = (await updatesOf(db, face.id, ['public'])).at(-1);
        shown.push({
          ...toPublic(face),
          latestUpdate: latest ? { at: latest.created_at.toISOString(), body: latest.body } : null,
        });
      }
      await governance.guard.record(entries);
      return shown;
    },
  };
}

export type PublicCases = ReturnType<typeof publicCases>;
