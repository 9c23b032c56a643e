// The gazetteer: properties by UPRN, loaded from CSV, searched by address, each with the
// organisations that serve it for which functions. Not personal data.
export { importPropertiesFromCommandLine } from './command-line.ts';
export { propertyPages } from './pages.ts';
export { propertyRoutes } from './routes.ts';
export { type PropertiesService, propertiesService } from './service.ts';
