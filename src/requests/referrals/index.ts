// Referrals: a case sent to another organisation under a data-sharing agreement in force, and
// the receiving organisation's decision on it.
export { type Referrals, referrals, referralsOfCase, toldOfDecision, withReferrals } from './referrals.ts';
export { referralRoutes } from './routes.ts';
