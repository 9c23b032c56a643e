// Use-cases that load many records at once: an organisation's CSV file from the command line
// (streamed, in batches, each batch one transaction with its ledger entry) and batches that
// agency systems submit through the API (every record decided by the policies). Either way a
// record is found again by the organisation's own reference, so loading twice never duplicates.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService, Principal } from '../../governance/index.ts';
import { markingLevel, parseMarking } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type Clock, Invalid, NotFound } from '../../platform/index.ts';
import * as store from '../records/index.ts';
import { recordAsk } from '../records/index.ts';
import {
  type CheckedRow,
  type ColumnMapping,
  checkRow,
  columnPositions,
  type PeopleColumn,
  type RowProblem,
  rowValues,
} from './rows.ts';

export interface ImportReport {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** rows not loaded, with why */
  rejected: RowProblem[];
  /** values not stored (an invalid NHS number or UPRN) in rows that did load */
  dropped: RowProblem[];
}

export interface ImportOptions {
  organisation: string;
  csv: Readable;
  mapping?: ColumnMapping;
  /** the marking of rows that have no marking column (default OFFICIAL) */
  marking?: string;
  batchSize?: number;
  onBatch?: (report: ImportReport) => void;
}

/** A record as an agency system submits it: the fields of a person record in JSON. */
export interface SubmittedRecord {
  localRef: string;
  givenNames: string;
  familyName: string;
  dateOfBirth?: string | null;
  addressLine?: string | null;
  town?: string | null;
  postcode?: string | null;
  uprn?: number | string | null;
  nhsNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  marking: string;
  handling?: string | null;
}

/** A problem with a submitted record names the field as the API does (dateOfBirth, not date_of_birth). */
const inApiWords = (problem: RowProblem): RowProblem => ({
  ...problem,
  field: problem.field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()),
});

const emptyReport = (): ImportReport => ({
  rows: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: [],
  dropped: [],
});

interface ImportDeps {
  db: Db;
  governance: GovernanceService;
  identity: Pick<IdentityService, 'citizensByEmail'>;
  today: () => string;
  organisationId: (ref: string) => Promise<string>;
}

/** Whom each row is about: the citizen account with its email address, found for the batch at once. */
async function withSubjects(
  identity: ImportDeps['identity'],
  rows: CheckedRow[],
): Promise<store.UpsertRow[]> {
  const subjects = await identity.citizensByEmail(rows.flatMap((row) => row.email ?? []));
  return rows.map((row) => ({
    ...row,
    subject_account_id: row.email ? (subjects.get(row.email) ?? null) : null,
  }));
}

/** Writes one batch and its ledger entries (`audit`, in the same transaction); counts what changed. */
async function writeBatch(
  { db, identity }: ImportDeps,
  orgId: string,
  rows: CheckedRow[],
  report: ImportReport,
  audit: (trx: Db, written: { id: string; local_ref: string; inserted: boolean }[]) => Promise<unknown>,
) {
  const upserts = await withSubjects(identity, rows);
  await db.transaction().execute(async (trx) => {
    const written = await store.upsertRecords(trx, orgId, upserts);
    const inserted = written.filter((w) => w.inserted).length;
    report.inserted += inserted;
    report.updated += written.length - inserted;
    report.unchanged += rows.length - written.length;
    await audit(trx, written);
  });
}

/** The columns of the header row; a missing required one stops the file before any row is read. */
function headerPositions(record: string[], mapping: ColumnMapping | undefined, parser: { destroy(): void }) {
  const found = columnPositions(record, mapping);
  if (found.missing.length > 0) {
    parser.destroy();
    throw new Invalid(
      `The file has no ${found.missing.join(', ')} column${found.missing.length > 1 ? 's' : ''}: nothing was loaded`,
      found.missing.map((c) => ({ field: c, message: `The file needs a ${c} column` })),
    );
  }
  return found.positions;
}

/** One line of the file checked: the row to load, or null when it is rejected (the report says why). */
function fileRow(
  values: Partial<Record<PeopleColumn, string>>,
  line: number,
  today: string,
  marking: string | undefined,
  seen: Map<string, number>,
  report: ImportReport,
): CheckedRow | null {
  const checked = checkRow(values, line, today, marking);
  report.dropped.push(...checked.dropped);
  if (!checked.ok) {
    report.rejected.push(...checked.rejected);
    return null;
  }
  const earlier = seen.get(checked.ok.local_ref);
  if (earlier !== undefined) {
    report.rejected.push({
      row: line,
      field: 'local_ref',
      reason: `the reference is already on line ${earlier} of this file`,
    });
    return null;
  }
  seen.set(checked.ok.local_ref, line);
  return checked.ok;
}

/**
 * Loads an organisation's CSV file of people, streamed in batches. A missing required
 * column is refused (naming it) before any row is read; bad rows are reported and skipped.
 */
async function importPeople(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const orgId = await deps.organisationId(options.organisation);
  const batchSize = options.batchSize ?? 500;
  const report = emptyReport();
  const parser = options.csv.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
  let positions: Map<PeopleColumn, number> | null = null;
  const seen = new Map<string, number>();
  let batch: CheckedRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await writeBatch(deps, orgId, rows, report, async (trx, written) => {
      if (written.length === 0) return;
      await deps.governance.ledger.append(trx, [
        {
          action: 'person-record.import',
          resource: { type: 'person-records', id: options.organisation, organisation: options.organisation },
          detail: {
            via: 'command line',
            inserted: written.filter((w) => w.inserted).length,
            updated: written.filter((w) => !w.inserted).length,
          },
        },
      ]);
    });
    options.onBatch?.(report);
  };
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!positions) {
      positions = headerPositions(record, options.mapping, parser);
      continue;
    }
    report.rows++;
    const row = fileRow(
      rowValues(record, positions),
      info.lines,
      deps.today(),
      options.marking,
      seen,
      report,
    );
    if (!row) continue;
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  if (!positions) throw new Invalid('The file is empty: it needs a header row', []);
  await flush();
  return report;
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** A submitted record in the words of a file's row, to be checked as one. */
const rowOf = (record: SubmittedRecord) => ({
  local_ref: record.localRef,
  given_names: record.givenNames,
  family_name: record.familyName,
  date_of_birth: text(record.dateOfBirth),
  address_line: text(record.addressLine),
  town: text(record.town),
  postcode: text(record.postcode),
  uprn: text(record.uprn),
  nhs_number: text(record.nhsNumber),
  phone: text(record.phone),
  email: text(record.email),
  marking: record.marking,
  handling: text(record.handling),
});

/** What the policies decide on a submitted row: creating it, or changing the record it updates (or its marking). */
async function decideRow(
  governance: GovernanceService,
  principal: Principal,
  row: CheckedRow,
  old: store.RecordRow | undefined,
  organisation: { id: string; ref: string },
  requestId: string | undefined,
): Promise<Decision> {
  const marking = parseMarking(row.marking, row.handling);
  const facts = {
    id: old?.id ?? 'new',
    organisationId: organisation.id,
    organisationRef: organisation.ref,
    markingLevel: markingLevel(marking.marking),
    handling: marking.handling,
    subjectAccountId: old?.subject_account_id ?? null,
  };
  return governance.guard.decide(
    principal,
    old
      ? await recordAsk(
          governance,
          principal,
          old.marking === row.marking && old.handling === row.handling ? 'update' : 'changeMarking',
          { ...facts, markingLevel: old.marking_level, handling: old.handling },
          old.marking === row.marking ? { requestId } : { newMarking: facts.markingLevel, requestId },
        )
      : await recordAsk(governance, principal, 'create', facts, { requestId }),
  );
}

/**
 * Records submitted by an agency system: each is created or updated (found by its reference)
 * when the policies allow it, in one transaction with a ledger entry per record.
 */
async function submitPeople(
  deps: ImportDeps,
  actor: Actor | null,
  organisation: string,
  records: SubmittedRecord[],
  requestId?: string,
): Promise<ImportReport> {
  const { db, governance } = deps;
  const principal = await governance.principal(actor);
  const orgId = await deps.organisationId(organisation);
  const report = emptyReport();
  report.rows = records.length;
  const existing = new Map(
    (
      await store.recordsByRef(
        db,
        orgId,
        records.map((r) => r.localRef.trim()),
      )
    ).map((r) => [r.local_ref, r]),
  );
  const allowed: CheckedRow[] = [];
  const decisionOf = new Map<string, Decision>();
  const refused: Decision[] = [];
  const seen = new Set<string>();
  for (const [index, record] of records.entries()) {
    const checked = checkRow(rowOf(record), index, deps.today());
    report.dropped.push(...checked.dropped.map(inApiWords));
    if (!checked.ok) {
      report.rejected.push(...checked.rejected.map(inApiWords));
      continue;
    }
    const row = checked.ok;
    if (seen.has(row.local_ref)) {
      report.rejected.push({
        row: index,
        field: 'localRef',
        reason: 'the reference is already in this batch',
      });
      continue;
    }
    seen.add(row.local_ref);
    const old = existing.get(row.local_ref);
    const decision = await decideRow(
      governance,
      principal,
      row,
      old,
      { id: orgId, ref: organisation },
      requestId,
    );
    if (!decision.allowed) {
      refused.push(decision);
      report.rejected.push({
        row: index,
        field: 'marking',
        reason: old
          ? 'you may not change this record (or its marking)'
          : `you may not create records for ${organisation} at that marking`,
      });
      continue;
    }
    decisionOf.set(row.local_ref, decision);
    allowed.push(row);
  }
  if (refused.length > 0) await governance.guard.record(refused);
  await writeBatch(deps, orgId, allowed, report, (trx, written) =>
    governance.guard.write(
      trx,
      written.map((w) =>
        (decisionOf.get(w.local_ref) as Decision).as({
          resource: { type: 'person-record', id: w.id, organisation },
          detail: { via: 'bulk submission' },
        }),
      ),
    ),
  );
  return report;
}

export function importService(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  identity: Pick<IdentityService, 'citizensByEmail'>,
  /** Told after records were added or changed (linking runs over them by itself). */
  changed: () => void = () => {},
) {
  const told = (report: ImportReport) => {
    if (report.inserted + report.updated > 0) changed();
    return report;
  };
  const deps: ImportDeps = {
    db,
    governance,
    identity,
    today: () => clock.now().toISOString().slice(0, 10),
    async organisationId(ref: string): Promise<string> {
      const id = (await places.organisationIds([ref])).get(ref);
      if (!id) throw new NotFound(`There is no organisation ${ref}`);
      return id;
    },
  };

  return {
    /**
     * Loads an organisation's CSV file of people, streamed in batches. A missing required
     * column is refused (naming it) before any row is read; bad rows are reported and skipped.
     */
    importPeople: async (options: ImportOptions) => told(await importPeople(deps, options)),

    /**
     * Records submitted by an agency system: each is created or updated (found by its reference)
     * when the policies allow it, in one transaction with a ledger entry per record.
     */
    submitPeople: (
      actor: Actor | null,
      organisation: string,
      records: SubmittedRecord[],
      requestId?: string,
    ) => submitPeople(deps, actor, organisation, records, requestId).then(told),
  };
}

export type ImportService = ReturnType<typeof importService>;
