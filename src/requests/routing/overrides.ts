// Staff send a service in an area to another organisation than the one covering it there:
// administrators, or managers of the organisation responsible there or of the one it goes to.
// Each change is written to the ledger with it, and the routing table is read again.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type Clock, Forbidden, Invalid, NotFound, requireActor } from '../../platform/index.ts';
import { byReference, type Catalogue } from './catalogue.ts';
import * as store from './store.ts';

export interface OverrideInput {
  service: string;
  area: string;
  organisation: string;
  reason: string;
}

export function routingOverrides(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  catalogue: Catalogue,
) {
  return {
    async overrides() {
      const [stored, areaIds] = await Promise.all([store.overrides(db), places.areaIds()]);
      return byReference(places, stored, areaIds);
    },

    /** Staff override routing for a service in an area: administrators, or managers of the organisation responsible there. */
    async setOverride(actor: Actor | null, input: OverrideInput) {
      const who = requireActor(actor);
      const s = await catalogue.service(input.service);
      const area = await places.area(input.area);
      const to = await places.organisation(input.organisation);
      const reason = input.reason.trim();
      if (!reason)
        throw new Invalid('Say why', [{ field: 'reason', message: 'Enter the reason for the override' }]);
      const responsible = area.properties.coverage.find((c) =>
        c.functions.includes(s.responsibleKind),
      )?.organisation;
      const may = who.roles.some(
        (r) =>
          r.role === 'admin' ||
          (r.role === 'manager' && (r.organisation === responsible || r.organisation === to.ref)),
      );
      if (!may)
        throw new Forbidden(
          'Only an administrator, or a manager of the organisation responsible there, can override routing',
        );
      const ids = await places.areaIds();
      const orgIds = await places.organisationIds([to.ref]);
      await db.transaction().execute(async (trx) => {
        await store.setOverride(trx, {
          service_code: s.code,
          area_id: ids.get(area.properties.ref) as string,
          organisation_id: orgIds.get(to.ref) as string,
          reason,
          set_by: who.accountId,
          set_at: clock.now(),
        });
        await governance.ledger.append(trx, [
          {
            action: 'routing.override',
            actor: { account: who.accountId, kind: who.kind },
            detail: { service: s.code, area: area.properties.ref, organisation: to.ref, reason },
          },
        ]);
      });
      catalogue.forget();
    },

    async removeOverride(actor: Actor | null, serviceCode: string, areaRef: string) {
      const who = requireActor(actor);
      if (!who.roles.some((r) => r.role === 'admin' || r.role === 'manager'))
        throw new Forbidden('Only an administrator or a manager can remove a routing override');
      const id = (await places.areaIds()).get(areaRef);
      await db.transaction().execute(async (trx) => {
        if (!id || !(await store.removeOverride(trx, serviceCode, id)))
          throw new NotFound('There is no such override');
        await governance.ledger.append(trx, [
          {
            action: 'routing.override-removed',
            actor: { account: who.accountId, kind: who.kind },
            detail: { service: serviceCode, area: areaRef },
          },
        ]);
      });
      catalogue.forget();
    },
  };
}

export type RoutingOverrides = ReturnType<typeof routingOverrides>;
