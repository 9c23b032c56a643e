// A photo of a case, for staff entitled to the case: the read is decided and written to the ledger.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import { type Actor, Forbidden, NotFound } from '../../platform/index.ts';
import { looksLikeId } from '../case.ts';
import type { CaseGuard } from '../guard.ts';
import * as store from './store.ts';

export function staffPhotos(db: Db, governance: GovernanceService, guard: CaseGuard) {
  return {
    async casePhoto(actor: Actor | null, id: string, photoId: string, requestId?: string) {
      const p = await guard.principal(actor);
      if (p.kind !== 'staff') throw new Forbidden('Photos of a case are for staff');
      if (!looksLikeId(id) || !looksLikeId(photoId)) throw new NotFound('There is no such photo');
      const row = await guard.load({ id });
      const e = await guard.check(p, 'readCase', row, requestId);
      const photo = await store.casePhoto(db, row.id, photoId);
      if (!photo) throw new NotFound('There is no such photo');
      await governance.guard.record([e.as({ action: 'case.photo.read', detail: { photo: photoId } })]);
      return photo;
    },
  };
}

export type StaffPhotos = ReturnType<typeof staffPhotos>;
