// The place: its organisations, the areas they cover for which functions, and the
// catalogue of services the place offers. Everything else routes and governs by these.

export { type DemoAccount, demoPlace, demoPoints } from './demo-place.ts';
export { pointErrors } from './geometry.ts';
export { placesRoutes } from './routes.ts';
export { type Route, type RoutingTable, routingTable } from './routing/index.ts';
export type { Boundary, NewArea, Organisation, OrganisationKind, Service } from './schemas.ts';
export { organisationKinds } from './schemas.ts';
export { type PlacesService, placesService } from './service.ts';
