// Outcome KPIs as data: the files in definitions/ (read and checked by load.ts and definition.ts),
// computed by a durable job over the fact views into kpi_values, read by the pages and the API.
export { type Kpi, KpiFileError, readKpi } from './definition.ts';
export { kpisFolder, loadKpis } from './load.ts';
export { kpiDataset } from './open-data.ts';
export { kpiPages, staffOnly } from './pages.ts';
export { kpiRoutes } from './routes.ts';
export { formatValue, type MonthValue, readSeries } from './series.ts';
export { KPI_JOB, type KpisService, kpisService } from './service.ts';
