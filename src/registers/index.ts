// Registers of people and properties: each organisation's own records of people (imported,
// submitted or typed in), linked into golden people by record linkage with a review queue for
// the pairs it is unsure of, and a gazetteer of properties. Every read and write is governed.
// Sub-features: records/, people/ (golden people, review), importing/, properties/.
import type { FastifyInstance } from 'fastify';
import type { GovernanceService } from '../governance/index.ts';
import type { PlacesService } from '../places/index.ts';
import type { Contexts } from '../web/index.ts';
import type { ImportService } from './importing/index.ts';
import { type LinkingService, peopleRoutes, reviewPages } from './people/index.ts';
import { type PropertiesService, propertyPages, propertyRoutes } from './properties/index.ts';
import { type RecordsService, recordsPages, recordsRoutes } from './records/index.ts';

export {
  type ImportReport,
  type ImportService,
  importPeopleFromCommandLine,
  importService,
  parseColumnMapping,
} from './importing/index.ts';
export {
  LINK_JOB,
  type LinkingService,
  linkFromCommandLine,
  linkingService,
} from './people/index.ts';
export {
  importPropertiesFromCommandLine,
  type PropertiesService,
  propertiesService,
} from './properties/index.ts';
export {
  type PersonRecord,
  type RecordsService,
  /** A record as the guard is asked about it (governance's property test asks it too). */
  recordAsk,
  recordsForTesting,
  recordsService,
} from './records/index.ts';

export interface RegistersModuleOptions {
  contexts: Contexts;
  records: RecordsService;
  importing: ImportService;
  linking: LinkingService;
  properties: PropertiesService;
  governance: GovernanceService;
  places: PlacesService;
}

/** The registers' API and pages: records, golden people and their review, the gazetteer. */
export async function registersModule(
  app: FastifyInstance,
  { contexts, records, importing, linking, properties, governance, places }: RegistersModuleOptions,
) {
  await app.register(contexts.api(recordsRoutes), { records });
  await app.register(contexts.api(peopleRoutes), { importing, linking });
  await app.register(contexts.pages(recordsPages), { records, governance, places });
  await app.register(contexts.pages(reviewPages), { linking });
  await app.register(contexts.api(propertyRoutes), { properties });
  await app.register(contexts.pages(propertyPages), { properties });
}
