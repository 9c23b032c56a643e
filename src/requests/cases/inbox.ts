// The staff inbox: what staff filter their organisations' cases by (service, status, area,
// team, assignee, overdue), read from a query string, and the teams and people a case can be
// assigned to — only those of the organisation holding it (assignment.ts).
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type FieldError, Forbidden, Invalid } from '../../platform/index.ts';
import { type CaseStatus, statusNames } from '../case.ts';
import { addTeam, teamsOf } from '../teams/index.ts';
import type { InboxFilter } from './store.ts';
import type { CaseWork } from './work.ts';

export type InboxQuery = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';

export function inboxService(
  db: Db,
  governance: GovernanceService,
  places: PlacesService,
  identity: Pick<IdentityService, 'staffOf'>,
  requests: Pick<CaseWork, 'inbox'>,
) {
  async function organisationsOf(actor: Actor | null) {
    const p = await governance.principal(actor);
    if (p.kind !== 'staff') throw new Forbidden('The inbox is for staff');
    return p;
  }

  /** What the inbox can be filtered by: the catalogue, the areas, and the teams and people of your organisations. */
  async function choices(actor: Actor | null) {
    const p = await organisationsOf(actor);
    const [services, areas, teams, people] = await Promise.all([
      places.services(),
      places.areas(),
      teamsOf(db, p.organisations),
      identity.staffOf(p.organisations),
    ]);
    return {
      me: p.accountId,
      services: services.map((s) => ({ value: s.code, text: s.name })),
      areas: areas.map((a) => ({ value: a.properties.ref, text: a.properties.name })),
      teams: [...new Set(teams.map((t) => t.name))].map((name) => ({ value: name, text: name })),
      people: [...new Map(people.map((x) => [x.id, { value: x.id, text: x.name }])).values()],
    };
  }

  return {
    choices,

    /** Adds a team (or changes its mailbox) without a signed-in person: for the demo and the command line. */
    async addTeam(organisation: string, name: string, email: string | null) {
      const id = (await places.organisationIds([organisation])).get(organisation);
      if (!id) throw new Invalid(`There is no organisation ${organisation}`, []);
      await addTeam(db, id, name, email);
    },

    /** The inbox for a query string: unknown values are errors the page shows, and nothing is listed. */
    async list(actor: Actor | null, query: InboxQuery, requestId?: string) {
      const options = await choices(actor);
      const errors: FieldError[] = [];
      const filter: InboxFilter = {};
      const pick = (field: string, allowed: { value: string }[], extra: string[] = []) => {
        const value = one(query[field]);
        if (!value) return undefined;
        if (extra.includes(value) || allowed.some((a) => a.value === value)) return value;
        errors.push({ field, message: `Choose a ${field} from the list` });
        return undefined;
      };
      filter.service = pick('service', options.services);
      filter.area = pick('area', options.areas);
      filter.team = pick('team', options.teams, ['none']);
      const assignee = pick('assignee', options.people, ['me', 'none']);
      filter.assignee = assignee === 'me' ? options.me : assignee;
      const status = one(query.status);
      if (status && Object.hasOwn(statusNames, status)) filter.status = status as CaseStatus;
      else if (status) errors.push({ field: 'status', message: 'Choose a status from the list' });
      // The same parameter as the API's: true, or false (or none) for every case.
      const overdue = one(query.overdue);
      filter.overdue = overdue === 'true';
      if (overdue && overdue !== 'true' && overdue !== 'false')
        errors.push({ field: 'overdue', message: 'Choose whether to show only overdue cases' });
      const sort = one(query.sort);
      if (sort === 'due' || sort === 'reported') filter.sort = sort;
      else if (sort) errors.push({ field: 'sort', message: 'Choose how to sort the cases' });
      const cases = errors.length > 0 ? [] : await requests.inbox(actor, filter, requestId);
      return { options, filter: { ...filter, assignee }, errors, cases };
    },
  };
}

export type InboxService = ReturnType<typeof inboxService>;
