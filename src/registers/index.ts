// Registers of people and properties: each organisation's own records of people (imported,
// submitted or typed in), linked into golden people by record linkage with a review queue for
// the pairs it is unsure of, and a gazetteer of properties. Every read and write is governed.
// Sub-features: records/, people/ (golden people, review), importing/, properties/.

export {
  type ImportReport,
  type ImportService,
  importPeopleFromCommandLine,
  importService,
  parseColumnMapping,
} from './importing/index.ts';
export {
  type LinkingService,
  linkFromCommandLine,
  linkingService,
  peopleRoutes,
  reviewPages,
} from './people/index.ts';
export {
  importPropertiesFromCommandLine,
  type PropertiesService,
  propertiesService,
  propertyRoutes,
} from './properties/index.ts';
export {
  type PersonRecord,
  type RecordsService,
  /** A record as the guard is asked about it (governance's property test asks it too). */
  recordAsk,
  recordsForTesting,
  recordsPages,
  recordsRoutes,
  recordsService,
} from './records/index.ts';
