// The referrals made to and by a person's organisations, each as far as the policies let them
// see it: the holding organisation sees every referral of its cases; a receiving organisation
// sees the ones made to it while their agreement is in force (declined ones included, so it
// keeps sight of its own decisions). Each one listed is a read in the ledger.
import type { Db } from '../../db/index.ts';
import { type GovernanceService, purposes } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Forbidden } from '../../platform/index.ts';
import type { CaseGuard } from '../guard.ts';
import { selectCases } from '../store.ts';
import * as store from './store.ts';

interface Deps {
  db: Db;
  governance: GovernanceService;
  places: Pick<PlacesService, 'organisationsById'>;
  identity: Pick<IdentityService, 'accountNames'>;
  guard: CaseGuard;
}

const decisionNames = { pending: 'Waiting for a decision', accepted: 'Accepted', declined: 'Declined' };

export async function referralList(
  { db, governance, places, identity, guard }: Deps,
  actor: Actor | null,
  requestId?: string,
) {
  const p = await guard.principal(actor);
  if (p.kind !== 'staff') throw new Forbidden('Referrals are for staff');
  const rows = await store.referralsOfOrganisations(db, p.organisations);
  const ids = [...new Set(rows.map((r) => r.case_id))];
  const cases = ids.length > 0 ? await selectCases(db).where('c.id', 'in', ids).execute() : [];
  const byId = new Map(cases.map((c) => [c.id, c]));
  const inForce = await guard.inForce(p, cases);
  const [organisations, people] = await Promise.all([
    places.organisationsById(rows.flatMap((r) => [r.from_organisation_id, r.to_organisation_id])),
    identity.accountNames(rows.flatMap((r) => (r.decided_by ? [r.decided_by] : []))),
  ]);
  const shown = rows.flatMap((r) => {
    const row = byId.get(r.case_id);
    if (!row) return [];
    // The holder sees its own case's referral as the case stands; the receiver through the referral.
    const holder = p.organisations.includes(row.organisation_id);
    const read = guard.decideOn(p, 'readReferral', row, inForce, {
      as: 'referral.list',
      requestId,
      ...(holder ? {} : { only: r.id }),
    });
    if (!read.allowed) return [];
    return [
      {
        read: read.as({ detail: { referral: r.id } }),
        referral: {
          id: r.id,
          caseId: row.id,
          reference: row.reference,
          serviceName: row.service_name,
          fromName: organisations.get(r.from_organisation_id)?.name ?? '',
          toName: organisations.get(r.to_organisation_id)?.name ?? '',
          outgoing: holder,
          purposeName: purposes[r.purpose as keyof typeof purposes] ?? r.purpose,
          status: r.status,
          statusName: decisionNames[r.status],
          referredAt: r.created_at.toISOString(),
          decidedAt: r.decided_at?.toISOString() ?? null,
          decidedBy: r.decided_by ? (people.get(r.decided_by) ?? null) : null,
        },
      },
    ];
  });
  await governance.guard.record(shown.map((s) => s.read));
  return shown.map((s) => s.referral);
}
