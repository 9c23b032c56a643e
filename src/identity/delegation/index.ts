// Acting on someone's behalf: a citizen lets a person or an organisation act for them for
// chosen services until a date; other modules ask `actFor` whether a request is made for them.
export { delegationPages } from './pages.ts';
export { actFor, DELEGATED_SERVICES, type DelegatedService } from './rules.ts';
export { delegations } from './service.ts';
