// Routing geometry: which organisation serves a service at a point, from the areas of the
// place, who covers what there, and staff overrides. Pure: no database, no clock, exact on borders.
export { type Route, type RoutingTable, routingTable } from './table.ts';
