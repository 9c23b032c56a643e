// Managers set up their organisation's teams: the teams cases are assigned to, and the
// mailboxes their escalations and reminders go to. Every change, and every refusal, is
// decided by the policies (policies/teams.cedar) and written to the audit ledger.
import type { Db } from '../../db/index.ts';
import { cedarOrganisation, type GovernanceService, type Principal } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Conflict, type FieldError, Invalid, NotFound } from '../../platform/index.ts';
import * as staff from './store.ts';

export interface TeamInput {
  name: string;
  email: string;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A team's name and mailbox as people type them: trimmed, checked, the mailbox optional. */
export function checkTeam(input: TeamInput): { name: string; email: string | null; errors: FieldError[] } {
  const name = input.name.trim().replace(/\s+/g, ' ');
  const email = input.email.trim().toLowerCase() || null;
  const errors: FieldError[] = [];
  if (!name) errors.push({ field: 'name', message: 'Enter the name of the team' });
  else if (name.length > 100)
    errors.push({ field: 'name', message: 'Use 100 characters or fewer for the name' });
  if (email && (email.length > 254 || !emailPattern.test(email)))
    errors.push({ field: 'email', message: 'Enter the mailbox as an email address, like team@example.org' });
  return { name, email, errors };
}

const taken = (name: string): FieldError[] => [
  { field: 'name', message: `There is already a team called ${name}: choose another name` },
];

interface Deps {
  db: Db;
  governance: GovernanceService;
  places: PlacesService;
}

/**
 * Decides whether the person may set up the teams of an organisation (by its reference): a
 * refusal is written to the ledger and thrown; an allowed decision gives the entry to write
 * with the change.
 */
async function decide(
  { governance, places }: Deps,
  actor: Actor | null,
  ref: string,
  action: string,
  requestId?: string,
) {
  const p: Principal = await governance.principal(actor);
  const organisation = await places.organisation(ref);
  const id = (await places.organisationIds([ref])).get(ref) as string;
  const roles = p.actor.roles;
  const managerOf = [
    ...(
      await places.organisationIds(roles.filter((r) => r.role === 'manager').map((r) => r.organisation))
    ).values(),
  ];
  const entry = await governance.guard.permit(p, {
    action: 'manageTeams',
    resource: { uid: { type: 'Flagstone::Organisation', id }, attrs: {} },
    principalAttrs: {
      managerOf: managerOf.map(cedarOrganisation),
      administers: roles.some((r) => r.role === 'admin'),
    },
    entry: {
      action,
      actor: governance.actorOf(p, ref),
      resource: { type: 'teams', id, organisation: ref },
      requestId: requestId ?? null,
    },
    refusal: `Only a manager of ${organisation.name} or an administrator can set up its teams`,
  });
  return { organisation: { id, ref, name: organisation.name }, entry };
}

/** A team as typed, checked, its name not another team's of the organisation; Invalid otherwise. */
async function checkedTeam(db: Db, organisationId: string, input: TeamInput, except?: string) {
  const { name, email, errors } = checkTeam(input);
  if ((await staff.teamsOf(db, [organisationId])).some((t) => t.name === name && t.id !== except))
    errors.unshift(...taken(name));
  if (errors.length > 0) throw new Invalid('The team has errors', errors);
  return { name, email };
}

/** An organisation's teams with their open cases (a refusal is in the ledger). */
async function list(deps: Deps, actor: Actor | null, ref: string, requestId?: string) {
  const { organisation } = await decide(deps, actor, ref, 'teams.list', requestId);
  const teams = await staff.teamsWithOpenCases(deps.db, organisation.id);
  return {
    organisation,
    teams: teams.map((t) => ({ id: t.id, name: t.name, email: t.email, openCases: t.open_cases })),
  };
}

/** The organisations whose teams the person may set up: those they manage, or all for an administrator. */
async function organisations(deps: Deps, actor: Actor | null, requestId?: string) {
  const p = await deps.governance.principal(actor);
  const all = await deps.places.organisations();
  const roles = p.kind === 'staff' ? p.actor.roles : [];
  const managed = new Set(roles.filter((r) => r.role === 'manager').map((r) => r.organisation));
  const mine = roles.some((r) => r.role === 'admin') ? all : all.filter((o) => managed.has(o.ref));
  // Someone who may set up no organisation's teams is refused as at their own organisation's.
  if (mine.length === 0)
    await decide(deps, actor, roles[0]?.organisation ?? all[0]?.ref ?? '', 'teams.list', requestId);
  return mine;
}

async function add(deps: Deps, actor: Actor | null, ref: string, input: TeamInput, requestId?: string) {
  const { organisation, entry } = await decide(deps, actor, ref, 'team.add', requestId);
  const { name, email } = await checkedTeam(deps.db, organisation.id, input);
  return deps.db.transaction().execute(async (trx) => {
    const id = await staff.insertTeam(trx, organisation.id, name, email);
    if (!id) throw new Invalid('The team has errors', taken(name));
    await deps.governance.guard.write(trx, [entry.as({ detail: { team: id, name } })]);
    return { id, name, email };
  });
}

/** Renames a team or changes its mailbox; its cases keep it under the new name. */
async function change(
  deps: Deps,
  actor: Actor | null,
  ref: string,
  id: string,
  input: TeamInput,
  requestId?: string,
) {
  const { organisation, entry } = await decide(deps, actor, ref, 'team.change', requestId);
  if (!uuid.test(id)) throw new NotFound('There is no such team');
  const { name, email } = await checkedTeam(deps.db, organisation.id, input, id);
  await deps.db.transaction().execute(async (trx) => {
    const team = await staff.lockTeam(trx, organisation.id, id);
    if (!team) throw new NotFound('There is no such team');
    if (!(await staff.changeTeam(trx, team, name, email)))
      throw new Invalid('The team has errors', taken(name));
    await deps.governance.guard.write(trx, [
      entry.as({ detail: { team: id, name, ...(name !== team.name ? { was: team.name } : {}) } }),
    ]);
  });
}

/** Removes a team that has no open cases (they would lose their team's mailbox). */
async function remove(deps: Deps, actor: Actor | null, ref: string, id: string, requestId?: string) {
  const { organisation, entry } = await decide(deps, actor, ref, 'team.remove', requestId);
  if (!uuid.test(id)) throw new NotFound('There is no such team');
  await deps.db.transaction().execute(async (trx) => {
    const team = await staff.lockTeam(trx, organisation.id, id);
    if (!team) throw new NotFound('There is no such team');
    if (team.open_cases > 0)
      throw new Conflict(
        `${team.name} has ${team.open_cases} open ${team.open_cases === 1 ? 'case' : 'cases'}: assign ${team.open_cases === 1 ? 'it' : 'them'} to another team before removing it`,
      );
    await staff.removeTeam(trx, id);
    await deps.governance.guard.write(trx, [entry.as({ detail: { team: id, name: team.name } })]);
  });
}

export function teamsService(db: Db, governance: GovernanceService, places: PlacesService) {
  const deps: Deps = { db, governance, places };
  return {
    organisations: (actor: Actor | null, requestId?: string) => organisations(deps, actor, requestId),
    list: (actor: Actor | null, ref: string, requestId?: string) => list(deps, actor, ref, requestId),
    async team(actor: Actor | null, ref: string, id: string, requestId?: string) {
      const { organisation, teams } = await list(deps, actor, ref, requestId);
      const team = teams.find((t) => t.id === id);
      if (!team) throw new NotFound('There is no such team');
      return { organisation, team };
    },
    add: (actor: Actor | null, ref: string, input: TeamInput, requestId?: string) =>
      add(deps, actor, ref, input, requestId),
    change: (actor: Actor | null, ref: string, id: string, input: TeamInput, requestId?: string) =>
      change(deps, actor, ref, id, input, requestId),
    remove: (actor: Actor | null, ref: string, id: string, requestId?: string) =>
      remove(deps, actor, ref, id, requestId),
  };
}

export type TeamsService = ReturnType<typeof teamsService>;
