// Use-cases on local person records: every read and write is decided by the policy decision
// point and written to the audit ledger; writes commit together with their ledger entry.
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService } from '../../governance/index.ts';
import { markingLevel, parseMarking } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type Clock, Conflict, Forbidden, Invalid, NotFound } from '../../platform/index.ts';
import { recordAsk } from './access.ts';
import { cleanFields, type RecordFields, validDate } from './record.ts';
import * as store from './store.ts';

export interface PersonRecord {
  id: string;
  organisation: string;
  organisationName: string;
  localRef: string;
  givenNames: string;
  familyName: string;
  dateOfBirth: string | null;
  addressLine: string | null;
  town: string | null;
  postcode: string | null;
  uprn: number | null;
  nhsNumber: string | null;
  phone: string | null;
  email: string | null;
  marking: string;
  handling: string | null;
  version: number;
  updatedAt: string;
  personId: string | null;
}

export interface NewRecordInput extends RecordFields {
  organisation: string;
  localRef: string;
  givenNames: string;
  familyName: string;
  marking: string;
  handling?: string | null;
}

export interface ReadContext {
  purpose?: string | null;
  breakGlassReason?: string | null;
  requestId?: string;
}

export const toPersonRecord = (row: store.RecordRow): PersonRecord => ({
  id: row.id,
  organisation: row.organisation,
  organisationName: row.organisation_name,
  localRef: row.local_ref,
  givenNames: row.given_names,
  familyName: row.family_name,
  dateOfBirth: row.date_of_birth,
  addressLine: row.address_line,
  town: row.town,
  postcode: row.postcode,
  uprn: row.uprn === null ? null : Number(row.uprn),
  nhsNumber: row.nhs_number,
  phone: row.phone,
  email: row.email,
  marking: row.marking,
  handling: row.handling,
  version: row.version,
  updatedAt: row.updated_at.toISOString(),
  personId: row.person_id ?? null,
});

/** What a policy decision needs to know of a record. */
export const facts = (row: store.RecordRow) => ({
  id: row.id,
  organisationId: row.organisation_id,
  organisationRef: row.organisation,
  markingLevel: row.marking_level,
  handling: row.handling,
  subjectAccountId: row.subject_account_id,
});

interface RecordsDeps {
  db: Db;
  governance: GovernanceService;
  places: PlacesService;
  today: () => string;
  /** Whom a record is about: the citizen account with its email address, if there is one. */
  citizenByEmail: (email: string | null | undefined) => Promise<string | null>;
  load: (id: string) => Promise<store.RecordRow>;
}

async function create(
  { db, governance, places, today, citizenByEmail, load }: RecordsDeps,
  actor: Actor | null,
  input: NewRecordInput,
  requestId?: string,
): Promise<PersonRecord> {
  const principal = await governance.principal(actor);
  const { values, errors } = cleanFields(input, today());
  let marking: ReturnType<typeof parseMarking> | undefined;
  try {
    marking = parseMarking(input.marking, input.handling);
  } catch (error) {
    errors.push(...(error as Invalid).fields);
  }
  if (!input.localRef.trim())
    errors.push({ field: 'localRef', message: "Enter your organisation's reference" });
  const organisationId = (await places.organisationIds([input.organisation])).get(input.organisation);
  if (!organisationId)
    errors.push({ field: 'organisation', message: `There is no organisation ${input.organisation}` });
  if (errors.length > 0 || !marking || !organisationId) throw new Invalid('The record has errors', errors);
  const subject = await citizenByEmail(values.email);
  const permit = await governance.guard.permit(
    principal,
    await recordAsk(
      governance,
      principal,
      'create',
      {
        id: 'new',
        organisationId,
        organisationRef: input.organisation,
        markingLevel: markingLevel(marking.marking),
        handling: marking.handling,
        subjectAccountId: subject,
      },
      { requestId, refusal: `You may not create records for ${input.organisation} at that marking` },
    ),
  );
  const id = await db.transaction().execute(async (trx) => {
    const inserted = await store.insertRecord(trx, {
      organisation_id: organisationId,
      local_ref: input.localRef.trim(),
      given_names: values.givenNames as string,
      family_name: values.familyName as string,
      date_of_birth: values.dateOfBirth ?? null,
      address_line: values.addressLine ?? null,
      town: values.town ?? null,
      postcode: values.postcode ?? null,
      uprn: values.uprn ?? null,
      nhs_number: values.nhsNumber ?? null,
      phone: values.phone ?? null,
      email: values.email ?? null,
      subject_account_id: subject,
      marking: marking.marking,
      handling: marking.handling,
    });
    if (!inserted)
      throw new Conflict(`${input.organisation} already has a record with the reference ${input.localRef}`);
    await governance.guard.write(trx, [
      permit.as({ resource: { type: 'person-record', id: inserted, organisation: input.organisation } }),
    ]);
    return inserted;
  });
  return toPersonRecord(await load(id));
}

/** Records matching the filters that the asker may see; each one returned is a read in the ledger. */
async function search(
  { db, governance, today }: RecordsDeps,
  actor: Actor | null,
  filters: store.SearchFilters,
  context: ReadContext = {},
): Promise<PersonRecord[]> {
  const principal = await governance.principal(actor);
  const clean: store.SearchFilters = { ...filters };
  if (filters.postcode) {
    const { values, errors } = cleanFields({ postcode: filters.postcode }, today());
    if (errors.length > 0) throw new Invalid('The search has errors', errors);
    clean.postcode = values.postcode ?? undefined;
  }
  if (filters.dateOfBirth && !validDate(filters.dateOfBirth)) {
    throw new Invalid('The search has errors', [
      { field: 'dateOfBirth', message: 'Enter a date like 1984-03-27' },
    ]);
  }
  const purpose = context.purpose?.trim() || null;
  const scope = await governance.guard.list(principal, purpose);
  const rows = await store.searchRecords(db, scope, clean);
  const entries: Decision[] = [];
  const seen: PersonRecord[] = [];
  for (const row of rows) {
    const read = governance.guard.decide(
      principal,
      await recordAsk(governance, principal, 'read', facts(row), {
        purpose,
        requestId: context.requestId,
      }),
    );
    if (!read.allowed) continue; // never happens while the scope and the policies agree
    entries.push(read.as({ action: 'person-record.search' }));
    seen.push(toPersonRecord(row));
  }
  await governance.guard.record(entries);
  return seen;
}

async function update(
  { db, governance, today, citizenByEmail, load }: RecordsDeps,
  actor: Actor | null,
  id: string,
  changes: RecordFields & { version?: number },
  requestId?: string,
) {
  const principal = await governance.principal(actor);
  const row = await load(id);
  const { values, errors } = cleanFields(changes, today());
  if (errors.length > 0) throw new Invalid('The changes have errors', errors);
  const subject = values.email !== undefined ? await citizenByEmail(values.email) : row.subject_account_id;
  const permit = await governance.guard.permit(
    principal,
    await recordAsk(governance, principal, 'update', facts(row), {
      requestId,
      refusal: 'You may not change this record',
    }),
  );
  await db.transaction().execute(async (trx) => {
    const updated = await store.updateRecord(
      trx,
      id,
      {
        ...(values.givenNames !== undefined ? { given_names: values.givenNames } : {}),
        ...(values.familyName !== undefined ? { family_name: values.familyName } : {}),
        ...(values.dateOfBirth !== undefined ? { date_of_birth: values.dateOfBirth } : {}),
        ...(values.addressLine !== undefined ? { address_line: values.addressLine } : {}),
        ...(values.town !== undefined ? { town: values.town } : {}),
        ...(values.postcode !== undefined ? { postcode: values.postcode } : {}),
        ...(values.uprn !== undefined ? { uprn: values.uprn } : {}),
        ...(values.nhsNumber !== undefined ? { nhs_number: values.nhsNumber } : {}),
        ...(values.phone !== undefined ? { phone: values.phone } : {}),
        ...(values.email !== undefined ? { email: values.email, subject_account_id: subject } : {}),
      },
      changes.version,
    );
    if (!updated) throw new Conflict('The record was changed by someone else: reload it and try again');
    await governance.guard.write(trx, [permit]);
  });
  return toPersonRecord(await load(id));
}

/** Raises or lowers a record's marking: only a role that may, and never above their clearance. */
async function changeMarking(
  { db, governance, load }: RecordsDeps,
  actor: Actor | null,
  id: string,
  input: { marking: string; handling?: string | null },
  requestId?: string,
) {
  const principal = await governance.principal(actor);
  const row = await load(id);
  const marking = parseMarking(input.marking, input.handling);
  const permit = await governance.guard.permit(
    principal,
    await recordAsk(governance, principal, 'changeMarking', facts(row), {
      newMarking: markingLevel(marking.marking),
      requestId,
      refusal:
        'Only a manager or information governance officer of the holding organisation, cleared to both markings, can change it',
    }),
  );
  await db.transaction().execute(async (trx) => {
    await store.updateRecord(trx, id, { marking: marking.marking, handling: marking.handling });
    await governance.guard.write(trx, [
      permit.as({
        detail: {
          from: `${row.marking}${row.handling ? ` ${row.handling}` : ''}`,
          to: `${marking.marking}${marking.handling ? ` ${marking.handling}` : ''}`,
        },
      }),
    ]);
  });
  return toPersonRecord(await load(id));
}

/** "Your data": what is held about a citizen, their requests to correct it, and who holds a record. */
function yourData({ db, governance, load }: RecordsDeps) {
  return {
    /** Everything held about the signed-in citizen: the records they may see and how many are withheld. */
    async aboutMe(actor: Actor | null, requestId?: string) {
      const principal = await governance.principal(actor);
      if (principal.kind !== 'citizen') throw new Forbidden('Only citizens have a "your data" view');
      const rows = await store.recordsAbout(db, principal.accountId);
      const shown: PersonRecord[] = [];
      const entries: Decision[] = [];
      let withheld = 0;
      for (const row of rows) {
        const read = governance.guard.decide(
          principal,
          await recordAsk(governance, principal, 'read', facts(row), { requestId }),
        );
        entries.push(read);
        if (read.allowed) shown.push(toPersonRecord(row));
        else withheld++;
      }
      await governance.guard.record(entries);
      return { records: shown, withheld };
    },

    async requestCorrection(actor: Actor | null, id: string, details: string, requestId?: string) {
      const principal = await governance.principal(actor);
      if (!details.trim())
        throw new Invalid('Say what is wrong', [
          { field: 'details', message: 'Tell us what is wrong and what it should say' },
        ]);
      if (details.length > 2000)
        throw new Invalid('Too long', [{ field: 'details', message: 'Use 2000 characters or fewer' }]);
      const row = await load(id);
      const read = governance.guard.decide(
        principal,
        await recordAsk(governance, principal, 'read', facts(row), { requestId }),
      );
      if (principal.kind !== 'citizen' || !read.allowed) {
        return governance.guard.refuse(
          [read],
          new Forbidden('You can only ask to correct a record about you'),
        );
      }
      await db.transaction().execute(async (trx) => {
        const correction = await store.insertCorrection(trx, id, principal.accountId, details.trim());
        await governance.ledger.append(trx, [
          {
            action: 'correction.request',
            actor: governance.actorOf(principal),
            resource: { type: 'person-record', id, organisation: row.organisation },
            subject: principal.accountId,
            requestId: requestId ?? null,
            detail: { correction: correction },
          },
        ]);
      });
    },

    /** The name of the organisation holding a record: not personal, so shown to anyone asking for it. */
    async holder(id: string): Promise<{ organisation: string; name: string }> {
      const row = await load(id);
      return { organisation: row.organisation, name: row.organisation_name };
    },

    /** Correction requests on a record, for the organisation that holds it. */
    async corrections(actor: Actor | null, id: string) {
      const principal = await governance.principal(actor);
      const row = await load(id);
      if (!principal.organisations.includes(row.organisation_id)) return [];
      return store.correctionsFor(db, id);
    },
  };
}

export function recordsService(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  identity: Pick<IdentityService, 'citizensByEmail'>,
) {
  const deps: RecordsDeps = {
    db,
    governance,
    places,
    today: () => clock.now().toISOString().slice(0, 10),
    citizenByEmail: async (email) =>
      email ? ((await identity.citizensByEmail([email])).get(email) ?? null) : null,
    async load(id) {
      const row = await store.findRecord(db, id);
      if (!row) throw new NotFound('There is no such record');
      return row;
    },
  };

  return {
    create: (actor: Actor | null, input: NewRecordInput, requestId?: string) =>
      create(deps, actor, input, requestId),

    async read(actor: Actor | null, id: string, context: ReadContext = {}): Promise<PersonRecord> {
      const principal = await governance.principal(actor);
      const row = await deps.load(id);
      await governance.guard.read(
        principal,
        await recordAsk(governance, principal, 'read', facts(row), context),
      );
      return toPersonRecord(row);
    },

    /** Records matching the filters that the asker may see; each one returned is a read in the ledger. */
    search: (actor: Actor | null, filters: store.SearchFilters, context: ReadContext = {}) =>
      search(deps, actor, filters, context),

    update: (
      actor: Actor | null,
      id: string,
      changes: RecordFields & { version?: number },
      requestId?: string,
    ) => update(deps, actor, id, changes, requestId),

    /** Raises or lowers a record's marking: only a role that may, and never above their clearance. */
    changeMarking: (
      actor: Actor | null,
      id: string,
      input: { marking: string; handling?: string | null },
      requestId?: string,
    ) => changeMarking(deps, actor, id, input, requestId),

    ...yourData(deps),
  };
}

export type RecordsService = ReturnType<typeof recordsService>;
