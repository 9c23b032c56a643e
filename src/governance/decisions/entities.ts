// Pure: the words modules describe their resources in for the policies: organisations,
// citizens and the person asking as Cedar entities, and an agreement in force as the
// `agreement` of a request's context.
import type { Entity } from './pdp.ts';
import type { Principal } from './principal.ts';

/** An agreement in force, as the policies see it (organisation ids; marking levels). */
export interface ActiveAgreement {
  id: string;
  parties: string[];
  datasets: string[];
  purposes: string[];
  highestMarking: number;
}

/** An organisation as Cedar names it. */
export const cedarOrganisation = (id: string) => ({ __entity: { type: 'Flagstone::Organisation', id } });
const org = cedarOrganisation;

/** A citizen (by account id) as Cedar names them: the subject of a record or a case. */
export const cedarCitizen = (accountId: string) => ({
  __entity: { type: 'Flagstone::Citizen', id: accountId },
});

/** The person asking, as the Cedar entity the policies speak of. */
export function principalEntity(p: Principal): Entity {
  if (p.kind === 'citizen') return { uid: { type: 'Flagstone::Citizen', id: p.accountId }, attrs: {} };
  return {
    uid: { type: 'Flagstone::Staff', id: p.accountId },
    attrs: {
      organisations: p.organisations.map(org),
      manages: p.manages.map(org),
      clearance: p.clearance,
      secondFactor: p.actor.authLevel === 'second_factor',
    },
  };
}

/** An agreement in force, as the `agreement` of a Cedar request context. */
export function agreementContext(a: ActiveAgreement) {
  return {
    id: a.id,
    active: true,
    parties: a.parties.map(org),
    datasets: a.datasets,
    purposes: a.purposes,
    highestMarking: a.highestMarking,
  };
}
