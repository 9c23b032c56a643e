// Each organisation's own records of people: the record's fields and their checks, its SQL,
// the governed use-cases (create, read, search, change, "your data", corrections), the API
// and the staff and citizens' pages. The other registers sub-features build on these.
export { recordAsk } from './access.ts';
export { purposeItems, recordsPages, requireStaff } from './pages.ts';
export { cleanFields, normalPostcode } from './record.ts';
export { recordsRoutes } from './routes.ts';
export { PersonRecord as PersonRecordSchema } from './schemas.ts';
export { facts, type PersonRecord, type RecordsService, recordsService, toPersonRecord } from './service.ts';
export {
  findRecord,
  matchCandidates,
  type NewRecordRow,
  type RecordRow,
  recordsByRef,
  recordsForTesting,
  type UpsertRow,
  upsertRecords,
} from './store.ts';
