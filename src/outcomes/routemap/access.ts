// Who may do what with the routemap, decided by the policies (policies/routemap.cedar): a
// refusal is written to the audit ledger and thrown; an allowed change gets the entry to write
// with it.
import type { GovernanceService, Principal } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { Actor } from '../../platform/index.ts';

export interface AccessDeps {
  governance: GovernanceService;
  places: PlacesService;
}

const administers = (p: Principal) => p.actor.roles.some((r) => r.role === 'admin');

/** Decides on an organisation (by reference): assessing it, or seeing its assessments and plan. */
export async function decideOn(
  { governance, places }: AccessDeps,
  actor: Actor | null,
  ref: string,
  action: 'assessMaturity' | 'viewMaturity',
  entryAction: string,
  requestId?: string,
) {
  const p = await governance.principal(actor);
  const organisation = await places.organisation(ref);
  const id = (await places.organisationIds([ref])).get(ref) as string;
  const entry = await governance.guard.permit(p, {
    action,
    resource: { uid: { type: 'Flagstone::Organisation', id }, attrs: {} },
    principalAttrs: { administers: administers(p) },
    entry: {
      action: entryAction,
      actor: governance.actorOf(p, ref),
      resource: { type: 'maturity-assessment', id, organisation: ref },
      requestId: requestId ?? null,
    },
    refusal:
      action === 'assessMaturity'
        ? `Only a manager or information governance officer of ${organisation.name} can assess it`
        : `Only staff of ${organisation.name} can see its assessments and action plan`,
  });
  return { organisation: { id, ref, name: organisation.name }, entry, principal: p };
}

/** Decides on the place's benchmark: comparing the organisations, or managing the framework and imports. */
export async function decideOnPlace(
  { governance }: AccessDeps,
  actor: Actor | null,
  action: 'compareMaturity' | 'manageRoutemap',
  entryAction: string,
  requestId?: string,
) {
  const p = await governance.principal(actor);
  const entry = await governance.guard.permit(p, {
    action,
    resource: { uid: { type: 'Flagstone::Benchmark', id: 'place' }, attrs: {} },
    principalAttrs: { administers: administers(p) },
    entry: {
      action: entryAction,
      actor: governance.actorOf(p),
      resource: { type: 'routemap', id: 'place' },
      requestId: requestId ?? null,
    },
    refusal:
      action === 'compareMaturity'
        ? 'Only staff of the place can compare its organisations'
        : 'Only an administrator can change the framework or import benchmarks',
  });
  return { entry, principal: p };
}

/** Whether the policies would let this person assess the organisation (to offer the forms). */
export async function mayAssess({ governance }: AccessDeps, p: Principal, organisationId: string) {
  return governance.guard.allows(p, {
    action: 'assessMaturity',
    resource: { uid: { type: 'Flagstone::Organisation', id: organisationId }, attrs: {} },
    principalAttrs: { administers: administers(p) },
  });
}
