// Data-sharing agreements: drafted by an information governance officer of a party, signed
// by one of every party, then active until their end date or until revoked.
import type { Static } from 'typebox';
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import {
  type Actor,
  type Clock,
  Conflict,
  type FieldError,
  Forbidden,
  Invalid,
  NotFound,
  requireActor,
} from '../../platform/index.ts';
import {
  datasets,
  type LawfulBasis,
  lawfulBases,
  markingLevel,
  markingOfLevel,
  parseMarking,
  purposes,
  type SpecialCategoryBasis,
  specialCategoryBases,
} from '../decisions/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { NewAgreement } from './schemas.ts';
import * as store from './store.ts';

export type AgreementState = 'draft' | 'active' | 'not yet in force' | 'expired' | 'revoked';

export interface Agreement {
  id: string;
  title: string;
  datasets: string[];
  purposes: string[];
  lawfulBasis: string;
  specialCategoryBasis: string | null;
  highestMarking: string;
  startsOn: string;
  endsOn: string;
  state: AgreementState;
  revocationReason: string | null;
  parties: { organisation: string; name: string; signed: boolean; signedAt: string | null }[];
}

/** The state a person sees: a stored status read against today's date. */
export function stateOf(
  row: Pick<store.AgreementRow, 'status' | 'startsOn' | 'endsOn'>,
  today: string,
): AgreementState {
  if (row.status !== 'active') return row.status;
  if (today < row.startsOn) return 'not yet in force';
  if (today > row.endsOn) return 'expired';
  return 'active';
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (value: string) =>
  isoDate.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** Every problem with a proposed agreement, by field (empty when it is sound). */
export function agreementErrors(input: Static<typeof NewAgreement>): FieldError[] {
  const errors: FieldError[] = [];
  if (!input.title.trim()) errors.push({ field: 'title', message: 'Enter a title' });
  if (new Set(input.parties).size < 2)
    errors.push({ field: 'parties', message: 'Choose at least two different organisations' });
  if (input.datasets.length === 0) errors.push({ field: 'datasets', message: 'Choose at least one dataset' });
  for (const d of input.datasets)
    if (!Object.hasOwn(datasets, d)) errors.push({ field: 'datasets', message: `Unknown dataset ${d}` });
  if (input.purposes.length === 0) errors.push({ field: 'purposes', message: 'Choose at least one purpose' });
  for (const p of input.purposes)
    if (!Object.hasOwn(purposes, p)) errors.push({ field: 'purposes', message: `Unknown purpose ${p}` });
  if (!Object.hasOwn(lawfulBases, input.lawfulBasis))
    errors.push({ field: 'lawfulBasis', message: 'Choose a lawful basis under Article 6' });
  if (input.specialCategoryBasis && !Object.hasOwn(specialCategoryBases, input.specialCategoryBasis)) {
    errors.push({ field: 'specialCategoryBasis', message: 'Choose a condition under Article 9, or none' });
  }
  if (!validDate(input.startsOn)) errors.push({ field: 'startsOn', message: 'Enter a real start date' });
  if (!validDate(input.endsOn)) errors.push({ field: 'endsOn', message: 'Enter a real end date' });
  else if (validDate(input.startsOn) && input.endsOn < input.startsOn) {
    errors.push({ field: 'endsOn', message: 'The end date must be the same as or after the start date' });
  }
  return errors;
}

/** An agreement with its parties' references and names, the parties in the order of their names. */
type NamedAgreement = Omit<store.AgreementRow, 'parties'> & {
  parties: (store.AgreementRow['parties'][number] & { organisation: string; name: string })[];
};

type Organisations = Pick<PlacesService, 'organisationIds' | 'organisationsById'>;

/**
 * The organisations party to these agreements, from places. Asked before a transaction, never
 * inside one: an organisation not yet known to places is read on a connection of its own.
 */
const partiesOf = (places: Organisations, rows: store.AgreementRow[]) =>
  places.organisationsById(rows.flatMap((row) => row.parties.map((p) => p.organisationId)));

/** The agreement with its parties named, ordered by name as the database orders names. */
function named(
  row: store.AgreementRow,
  organisations: Awaited<ReturnType<typeof partiesOf>>,
): NamedAgreement {
  const parties = row.parties
    .flatMap((party) => {
      const o = organisations.get(party.organisationId);
      return o ? [{ party: { ...party, organisation: o.ref, name: o.name }, order: o.nameOrder }] : [];
    })
    .sort((a, b) => a.order - b.order)
    .map((p) => p.party);
  return { ...row, parties };
}

const agreementOf = (row: NamedAgreement, today: string): Agreement => ({
  id: row.id,
  title: row.title,
  datasets: row.datasets,
  purposes: row.purposes,
  lawfulBasis: row.lawfulBasis,
  specialCategoryBasis: row.specialCategoryBasis,
  highestMarking: markingOfLevel(row.highestMarking),
  startsOn: row.startsOn,
  endsOn: row.endsOn,
  state: stateOf(row, today),
  revocationReason: row.revocationReason,
  parties: row.parties.map((p) => ({
    organisation: p.organisation,
    name: p.name,
    signed: !!p.signedBy,
    signedAt: p.signedAt,
  })),
});
const igOfficerAt = (actor: Actor, organisation: string) =>
  actor.roles.some((r) => r.organisation === organisation && r.role === 'ig_officer');
const governs = (actor: Actor) =>
  actor.roles.some((r) => r.role === 'ig_officer' || r.role === 'auditor' || r.role === 'admin');
const actorEntry = (actor: Actor, organisation?: string) => ({
  account: actor.accountId,
  kind: actor.kind,
  ...(organisation ? { organisation, role: 'ig_officer' } : {}),
});

async function load(trx: Db, id: string, forUpdate = false) {
  const row = /^[0-9a-f-]{36}$/.test(id) ? await store.findAgreement(trx, id, forUpdate) : undefined;
  if (!row) throw new NotFound('There is no such agreement');
  return row;
}

interface Deps {
  db: Db;
  clock: Clock;
  ledger: Ledger;
  places: Organisations;
  /** The agreements as a person sees them, read against today's date. */
  view: (rows: store.AgreementRow[]) => Promise<Agreement[]>;
}

/** One agreement as a person sees it. */
const one = async (view: Deps['view'], row: store.AgreementRow) => (await view([row]))[0] as Agreement;

/** A draft, checked in full (every problem by field), then stored with its ledger entry. */
async function create(
  { db, ledger, places, view }: Deps,
  actor: Actor | null,
  input: Static<typeof NewAgreement>,
): Promise<Agreement> {
  const who = requireActor(actor);
  const errors = agreementErrors(input);
  let highest = 1;
  try {
    highest = markingLevel(parseMarking(input.highestMarking, null, 'highestMarking').marking);
  } catch (error) {
    errors.push(...((error as Invalid).fields ?? []));
  }
  const ids = await places.organisationIds(input.parties);
  for (const ref of input.parties)
    if (!ids.has(ref)) errors.push({ field: 'parties', message: `There is no organisation ${ref}` });
  if (errors.length > 0) throw new Invalid('The agreement has errors', errors);
  const mine = input.parties.find((ref) => igOfficerAt(who, ref));
  if (!mine)
    throw new Forbidden(
      'Only an information governance officer of one of the parties can draft an agreement',
    );
  const id = await db.transaction().execute(async (trx) => {
    const created = await store.insertAgreement(
      trx,
      {
        title: input.title.trim(),
        datasets: input.datasets,
        purposes: input.purposes,
        // both checked against the vocabulary by agreementErrors above
        lawfulBasis: input.lawfulBasis as LawfulBasis,
        specialCategoryBasis: (input.specialCategoryBasis || null) as SpecialCategoryBasis | null,
        highestMarking: highest,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        createdBy: who.accountId,
      },
      [...new Set(input.parties)].map((ref) => ids.get(ref) as string),
    );
    await ledger.append(trx, [
      {
        action: 'agreement.create',
        actor: actorEntry(who, mine),
        resource: { type: 'sharing-agreement', id: created },
      },
    ]);
    return created;
  });
  return one(view, await load(db, id));
}

/** Signs for one party; when every party has signed the agreement becomes active. */
async function sign(
  { db, clock, ledger, places, view }: Deps,
  actor: Actor | null,
  id: string,
  organisation: string,
): Promise<Agreement> {
  const who = requireActor(actor);
  if (!igOfficerAt(who, organisation)) {
    throw new Forbidden(`Only an information governance officer of ${organisation} can sign for it`);
  }
  const parties = await partiesOf(places, [await load(db, id)]);
  await db.transaction().execute(async (trx) => {
    const row = named(await load(trx, id, true), parties);
    const party = row.parties.find((p) => p.organisation === organisation);
    if (!party)
      throw new Invalid(`${organisation} is not a party to this agreement`, [
        { field: 'organisation', message: 'Not a party' },
      ]);
    if (row.status !== 'draft')
      throw new Conflict(`The agreement is ${row.status}: it can no longer be signed`);
    if (party.signedBy) throw new Conflict(`${organisation} has already signed this agreement`);
    await store.signAgreement(trx, id, party.organisationId, who.accountId, clock.now());
    const entries = [
      {
        action: 'agreement.sign',
        actor: actorEntry(who, organisation),
        resource: { type: 'sharing-agreement', id },
      },
    ];
    if (row.parties.every((p) => p.signedBy || p.organisation === organisation)) {
      await store.setAgreementStatus(trx, id, 'active');
      entries.push({
        action: 'agreement.activate',
        actor: actorEntry(who, organisation),
        resource: { type: 'sharing-agreement', id },
      });
    }
    await ledger.append(trx, entries);
  });
  return one(view, await load(db, id));
}

/** Revokes an agreement at once: the very next request is decided without it. */
async function revoke(
  { db, clock, ledger, places, view }: Deps,
  actor: Actor | null,
  id: string,
  reason: string,
): Promise<Agreement> {
  const who = requireActor(actor);
  if (!reason.trim())
    throw new Invalid('Give the reason for revoking', [{ field: 'reason', message: 'Enter the reason' }]);
  const parties = await partiesOf(places, [await load(db, id)]);
  await db.transaction().execute(async (trx) => {
    const row = named(await load(trx, id, true), parties);
    const mine = row.parties.find((p) => igOfficerAt(who, p.organisation));
    if (!mine)
      throw new Forbidden('Only an information governance officer of a party can revoke the agreement');
    if (row.status === 'revoked') throw new Conflict('The agreement is already revoked');
    await store.setAgreementStatus(trx, id, 'revoked', {
      by: who.accountId,
      at: clock.now(),
      reason: reason.trim(),
    });
    await ledger.append(trx, [
      {
        action: 'agreement.revoke',
        actor: actorEntry(who, mine.organisation),
        resource: { type: 'sharing-agreement', id },
        reason: reason.trim(),
      },
    ]);
  });
  return one(view, await load(db, id));
}

export function agreementsService(db: Db, clock: Clock, ledger: Ledger, places: PlacesService) {
  const view = async (rows: store.AgreementRow[]) => {
    const organisations = await partiesOf(places, rows);
    const today = clock.now().toISOString().slice(0, 10);
    return rows.map((row) => agreementOf(named(row, organisations), today));
  };
  const deps: Deps = { db, clock, ledger, places, view };

  return {
    async list(actor: Actor | null): Promise<Agreement[]> {
      const who = requireActor(actor);
      if (who.kind !== 'staff') throw new Forbidden('Only staff can see data-sharing agreements');
      const seesAll = who.roles.some((r) => r.role === 'auditor' || r.role === 'admin');
      const ids = seesAll
        ? null
        : [...(await places.organisationIds(who.roles.map((r) => r.organisation))).values()];
      return view(await store.listAgreements(db, ids));
    },

    async get(actor: Actor | null, id: string): Promise<Agreement> {
      const who = requireActor(actor);
      if (who.kind !== 'staff') throw new Forbidden('Only staff can see data-sharing agreements');
      return one(view, await load(db, id));
    },

    create: (actor: Actor | null, input: Static<typeof NewAgreement>) => create(deps, actor, input),

    /** Signs for one party; when every party has signed the agreement becomes active. */
    sign: (actor: Actor | null, id: string, organisation: string) => sign(deps, actor, id, organisation),

    /** Revokes an agreement at once: the very next request is decided without it. */
    revoke: (actor: Actor | null, id: string, reason: string) => revoke(deps, actor, id, reason),

    governs,
  };
}

export type AgreementsService = ReturnType<typeof agreementsService>;
