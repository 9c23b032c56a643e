// Golden people: linkage runs over every organisation's records, the review queue for the
// pairs the engine is unsure of, a person's records, links and history, staff decisions to
// split and merge, and "do we already know this person?".
export { linkFromCommandLine } from './command-line.ts';
export { LINK_JOB, type LinkingService, linkingService } from './linking.ts';
export { reviewPages } from './review-pages.ts';
export { peopleRoutes } from './routes.ts';
