// Loading a council's spending or contracts file: streamed through the parser, each row checked,
// written in batches inside one transaction that commits only if every row was good. A file
// either loads whole or not at all; every bad row is reported by line and field.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import {
  type Checked,
  checkRow,
  contractFields,
  headerProblems,
  type RowProblem,
  spendingFields,
} from './rows.ts';
import * as store from './store.ts';

export type FileKind = 'spending' | 'contracts';

export interface ImportReport {
  kind: FileKind;
  organisation: string;
  rows: number;
  loaded: number;
  problems: RowProblem[];
}

const BATCH = 1000;
const MAX_PROBLEMS = 1000;

/** Thrown inside the transaction so that nothing of a bad file is kept. */
class BadFile extends Error {}

export async function importFile(
  db: Db,
  places: PlacesService,
  {
    kind,
    organisation,
    csv,
    onBatch,
  }: { kind: FileKind; organisation: string; csv: Readable; onBatch?: (rows: number) => void },
): Promise<ImportReport> {
  const report: ImportReport = { kind, organisation, rows: 0, loaded: 0, problems: [] };
  const organisationId = (await places.organisationIds([organisation])).get(organisation);
  if (!organisationId) {
    csv.destroy();
    report.problems.push({
      line: 0,
      field: 'org',
      reason: `There is no organisation with the reference ${organisation}`,
    });
    return report;
  }
  const fields = kind === 'spending' ? spendingFields : contractFields;
  const problem = (p: RowProblem) => {
    if (report.problems.length < MAX_PROBLEMS) report.problems.push(p);
  };
  const write = async (trx: Db, batch: { line: number; row: Checked }[]) => {
    if (kind === 'contracts') return store.upsertContracts(trx, organisationId, batch);
    for (const { line } of await store.insertSpending(trx, organisationId, batch))
      problem({ line, field: 'transaction_number', reason: 'This transaction is already loaded' });
  };
  try {
    await db.transaction().execute(async (trx) => {
      const parser = csv.pipe(
        parse({
          bom: true,
          trim: true,
          skip_empty_lines: true,
          relax_column_count: true,
          info: true,
          columns: (header: string[]) => {
            for (const p of headerProblems(fields, header)) problem(p);
            return header.map((h) => h.trim().toLowerCase());
          },
        }),
      );
      let batch: { line: number; row: Checked }[] = [];
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        report.rows++;
        if (report.problems.some((p) => p.line === 1)) continue;
        const line = info.lines;
        const checked = checkRow(fields, record, line);
        for (const p of checked.problems) problem(p);
        if (checked.row && report.problems.length === 0) batch.push({ line, row: checked.row });
        if (batch.length >= BATCH) {
          await write(trx, batch);
          batch = [];
          onBatch?.(report.rows);
        }
      }
      if (report.problems.length === 0) await write(trx, batch);
      if (report.rows === 0 && report.problems.length === 0)
        problem({ line: 1, field: 'file', reason: 'The file has no rows' });
      if (report.problems.length > 0) throw new BadFile();
      report.loaded = report.rows;
    });
  } catch (error) {
    if (error instanceof BadFile) return report;
    if (
      (error as { code?: string }).code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ||
      (error as { code?: string }).code?.startsWith('CSV_')
    ) {
      report.problems.push({
        line: (error as { lines?: number }).lines ?? 0,
        field: 'file',
        reason: 'The file is not CSV that can be read',
      });
      report.loaded = 0;
      return report;
    }
    throw error;
  }
  return report;
}
