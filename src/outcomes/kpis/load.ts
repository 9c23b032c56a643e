// Reads the KPI files (definitions/*.yaml beside this file, or another folder): a bad file stops
// the start with its name and the reason, as a bad policy does.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kpi, KpiFileError, readKpi } from './definition.ts';

export const kpisFolder = path.resolve(import.meta.dirname, 'definitions');

export function loadKpis(folder = kpisFolder): Kpi[] {
  const files = readdirSync(folder)
    .filter((f) => !f.startsWith('.') && f !== 'README.md')
    .sort();
  const kpis = files.map((file) => readKpi(file, readFileSync(path.join(folder, file), 'utf8')));
  if (kpis.length === 0) throw new KpiFileError(folder, 'there are no KPI files');
  return kpis;
}
