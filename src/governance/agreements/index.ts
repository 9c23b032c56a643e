// Data-sharing agreements between organisations: drafted by an information governance
// officer, signed by every party, in force between their dates until revoked. The policies
// are asked under the agreements in force (`agreementsInForce`).
export { type Agreement, type AgreementsService, agreementsService } from './agreements.ts';
export { agreementPages } from './pages.ts';
export { agreementRoutes } from './routes.ts';
/** For tests that build their own world of agreements. */
export { agreementsInForce, agreementTitles, insertAgreement, setAgreementStatus } from './store.ts';
