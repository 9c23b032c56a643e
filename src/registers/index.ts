// Registers of people and properties: each organisation's own records of people (imported,
// submitted or typed in), linked into golden people by record linkage with a review queue for
// the pairs it is unsure of, and a gazetteer of properties. Every read and write is governed.

/** A record as the guard is asked about it (governance's property test asks it too). */
export { recordAsk } from './access.ts';
export { importPeopleFromCommandLine, importPropertiesFromCommandLine, linkFromCommandLine } from './cli.ts';
export { parseColumnMapping } from './import-rows.ts';
export { type ImportReport, type ImportService, importService } from './importing.ts';
export { type LinkingService, linkingService } from './linking.ts';
export { recordsPages } from './pages.ts';
export { peopleRoutes } from './people-routes.ts';
export { type PropertiesService, propertiesService } from './properties.ts';
export { propertyRoutes } from './property-routes.ts';
export { reviewPages } from './review-pages.ts';
export { recordsRoutes } from './routes.ts';
export { type PersonRecord, type RecordsService, recordsService } from './service.ts';
export { recordsForTesting } from './store.ts';
