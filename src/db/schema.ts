// The type of every table, generated from src/db/migrations/*.sql by `npm run db:types`.
// Do not edit: change a migration and run it again (CI fails when this file is out of date).
import type { JWK } from 'jose';
import type { ColumnType } from 'kysely';
import type { AdapterPayload } from 'oidc-provider';

export type ArrayType<T> = ArrayTypeImpl<T> extends (infer U)[] ? U[] : ArrayTypeImpl<T>;

export type ArrayTypeImpl<T> =
  T extends ColumnType<infer S, infer I, infer U> ? ColumnType<S[], I[], U[]> : T[];

export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>;

export type Json = JsonValue;

export type JsonArray = JsonValue[];

export type JsonObject = {
  [x: string]: JsonValue | undefined;
};

export type JsonPrimitive = boolean | number | string | null;

export type JsonValue = JsonArray | JsonObject | JsonPrimitive;

export type Numeric = ColumnType<string, number | string, number | string>;

export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface Accounts {
  created_at: Generated<Timestamp>;
  disabled: Generated<boolean>;
  email: string;
  id: Generated<string>;
  kind: 'citizen' | 'staff';
  name: string;
  password_hash: string;
}

export interface AgreementParties {
  agreement_id: string;
  organisation_id: string;
  signed_at: Timestamp | null;
  signed_by: string | null;
}

export interface AlertSubscriptions {
  area_id: string | null;
  confirm_hash: string;
  confirmed_at: Timestamp | null;
  created_at: Timestamp;
  email: string;
  id: Generated<string>;
  lat: number | null;
  lon: number | null;
  metres: number | null;
  sent_up_to: Timestamp;
  services: Generated<string[]>;
  unsubscribe_hash: string;
}

export interface AppRoleLimits {
  privileges: string;
  table_name: string;
}

export interface AppSecrets {
  created_at: Generated<Timestamp>;
  name: string;
  value: string;
}

export interface AreaCoverage {
  area_id: string;
  function:
    | 'county_council'
    | 'district_council'
    | 'unitary_council'
    | 'nhs_trust'
    | 'integrated_care_board'
    | 'police'
    | 'fire_and_rescue'
    | 'school'
    | 'voluntary_organisation';
  organisation_id: string;
}

export interface Areas {
  boundary: Json;
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  name: string;
  ref: string;
}

export interface AuditCheckpoints {
  frontier: ArrayType<ColumnType<Buffer, Uint8Array, Uint8Array>>;
  key_id: string;
  root_hash: ColumnType<Buffer, Uint8Array, Uint8Array>;
  signature: ColumnType<Buffer, Uint8Array, Uint8Array>;
  signed_at: Generated<Timestamp>;
  tree_size: ColumnType<number, number | string, number | string>;
}

export interface AuditCosignatures {
  key_id: string;
  signature: ColumnType<Buffer, Uint8Array, Uint8Array>;
  signed_at: Timestamp;
  tree_size: ColumnType<number, number | string, number | string>;
  witness_id: string;
}

export interface AuditLedger {
  action: string;
  actor_account_id: string | null;
  at: Timestamp;
  body: string;
  break_glass: Generated<boolean>;
  decision: 'allow' | 'deny' | null;
  hash: ColumnType<Buffer, Uint8Array, Uint8Array>;
  seq: ColumnType<number, number | string, number | string>;
  subject_account_id: string | null;
}

export interface AuditSigningKeys {
  created_at: Generated<Timestamp>;
  key_id: string;
  public_key: string;
}

export interface AuditWitnesses {
  added_at: Generated<Timestamp>;
  id: Generated<string>;
  key_id: string | null;
  last_error: string | null;
  public_key: string | null;
  tree_size: Generated<ColumnType<number, number | string, number | string>>;
  tried_at: Timestamp | null;
  url: string;
}

export interface BreakGlassReviews {
  ledger_seq: ColumnType<number, number | string, number | string>;
  notes: string | null;
  outcome: 'justified' | 'not_justified';
  reviewed_at: Generated<Timestamp>;
  reviewed_by: string;
}

export interface CasePhotos {
  bytes: ColumnType<Buffer, Uint8Array, Uint8Array>;
  case_id: string;
  content_type: 'image/jpeg' | 'image/png' | 'image/webp';
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  metadata: Generated<'kept' | 'stripped' | 'unreadable'>;
  name: Generated<string>;
}

export interface Cases {
  account_ref: string | null;
  address_id: string | null;
  address_string: string | null;
  api_key_id: string | null;
  area_id: string | null;
  assignee_account_id: string | null;
  attributes: Generated<Json>;
  channel: 'online' | 'api' | 'phone' | 'face_to_face' | 'letter';
  citizen_account_id: string | null;
  contact_by: 'email' | 'sms' | null;
  description: string | null;
  device_id: string | null;
  duplicate_of: string | null;
  email: string | null;
  escalated: Generated<number>;
  escalated_at: Timestamp | null;
  expected_at: Timestamp | null;
  first_name: string | null;
  id: Generated<string>;
  last_name: string | null;
  lat: number;
  lon: number;
  marking_level: Generated<number>;
  media_url: string | null;
  organisation_id: string;
  phone: string | null;
  reference: string;
  reminded_at: Timestamp | null;
  requested_at: Generated<Timestamp>;
  route_basis: 'coverage' | 'override' | 'referral';
  service_code: string;
  share_contact: Generated<boolean>;
  status: Generated<'open' | 'in_progress' | 'resolved' | 'closed'>;
  status_reason: string | null;
  taken_by: string | null;
  team: string | null;
  token: Generated<string>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface CaseUpdates {
  author_account_id: string | null;
  author_client_id: string | null;
  body: string;
  case_id: string;
  created_at: Generated<Timestamp>;
  id: Generated<ColumnType<number, number | string, number | string>>;
  kind: 'public' | 'internal';
  organisation_id: string | null;
  status: 'open' | 'in_progress' | 'resolved' | 'closed' | null;
}

export interface Clearances {
  account_id: string;
  granted_at: Generated<Timestamp>;
  level: number;
}

export interface Contracts {
  department: string;
  description: string;
  ends_on: string;
  id: Generated<string>;
  irrecoverable_vat: Numeric | null;
  loaded_at: Generated<Timestamp>;
  organisation_id: string;
  procurement_method: 'open' | 'selective' | 'limited' | 'direct';
  reference: string;
  review_on: string | null;
  sme_or_vcse: Generated<boolean>;
  starts_on: string;
  supplier: string;
  supplier_registration: string | null;
  supplier_type: 'company' | 'charity' | 'public_body' | 'sole_trader' | 'individual';
  title: string;
  value: Numeric;
}

export interface CorrectionRequests {
  account_id: string;
  created_at: Generated<Timestamp>;
  details: string;
  id: Generated<string>;
  record_id: string;
  status: Generated<'open' | 'done' | 'refused'>;
}

export interface Delegations {
  citizen_id: string;
  created_at: Generated<Timestamp>;
  delegate_account_id: string | null;
  delegate_organisation_id: string | null;
  ends_on: string;
  id: Generated<string>;
  revoked_at: Timestamp | null;
  services: string[];
}

export interface EmailLinks {
  account_id: string | null;
  created_at: Generated<Timestamp>;
  email: string;
  expires_at: Timestamp;
  name: string | null;
  password_hash: string | null;
  purpose: 'register' | 'reset-password' | 'change-email';
  token_hash: string;
  used_at: Timestamp | null;
}

export interface KpiDataRequests {
  answered: boolean | null;
  answered_in_time: boolean | null;
  due: boolean | null;
  month: string | null;
  organisation_id: string | null;
}

export interface KpiQuestionnaires {
  answered: boolean | null;
  fixed: boolean | null;
  month: string | null;
  organisation_id: string | null;
}

export interface KpiRecords {
  linked: boolean | null;
  month: string | null;
  organisation_id: string | null;
}

export interface KpiReferrals {
  answered: boolean | null;
  answered_in_time: boolean | null;
  due: boolean | null;
  month: string | null;
  organisation_id: string | null;
}

export interface KpiRequestFacts {
  case_id: string;
  channel: string;
  days_to_resolve: number | null;
  expected_at: Timestamp | null;
  joined: boolean;
  month: string;
  organisation_id: string;
  reopened: boolean;
  resolved_at: Timestamp | null;
  service: string;
}

export interface KpiRequests {
  assisted: boolean | null;
  channel: string | null;
  days_to_resolve: number | null;
  due: boolean | null;
  joined: boolean | null;
  month: string | null;
  organisation_id: string | null;
  reopened: boolean | null;
  resolved_at: Timestamp | null;
  resolved_in_time: boolean | null;
  self_service: boolean | null;
  service: string | null;
}

export interface KpiRuns {
  finished_at: Timestamp;
  id: Generated<ColumnType<number, number | string, number | string>>;
  kpi_values: number;
  kpis: number;
  started_at: Timestamp;
}

export interface KpiSnapshots {
  denominator: number;
  kept_at: Timestamp;
  kpi: string;
  month: string;
  numerator: number | null;
  organisation_id: string | null;
  value: number | null;
}

export interface KpiStaleCases {
  case_id: string;
}

export interface KpiValues {
  computed_at: Generated<Timestamp>;
  denominator: number;
  kpi: string;
  month: string;
  numerator: number | null;
  organisation_id: string | null;
  value: number | null;
}

export interface LinkKeptKeys {
  id: Generated<ColumnType<number, number | string, number | string>>;
  keys: ColumnType<Buffer, Uint8Array, Uint8Array>;
  record_ids: string[];
  rules: number;
}

export interface LinkNameCounts {
  field: 'firstName' | 'lastName';
  records: number;
  value: string;
}

export interface LinkPairs {
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_note: string | null;
  explanation: Json | null;
  probability: number | null;
  record_a: string;
  record_b: string;
  scored_run: string | null;
  status: 'automatic' | 'review' | 'not_sure' | 'confirmed' | 'rejected';
  weight: number | null;
}

export interface LinkRuns {
  automatic_links: Generated<number>;
  candidate_pairs: Generated<ColumnType<number, number | string, number | string>>;
  changed_records: Generated<number>;
  finished_at: Timestamp | null;
  id: Generated<string>;
  model: Json | null;
  people: Generated<number>;
  population: number | null;
  records: Generated<number>;
  review_pairs: Generated<number>;
  started_at: Generated<Timestamp>;
  stored_keys: string | null;
}

export interface LocalRecords {
  address_line: string | null;
  created_at: Generated<Timestamp>;
  date_of_birth: string | null;
  email: string | null;
  family_name: string;
  given_names: string;
  handling: 'PERSONAL' | 'COMMERCIAL' | 'LOCSEN' | null;
  id: Generated<string>;
  local_ref: string;
  marking: 'OFFICIAL' | 'OFFICIAL-SENSITIVE';
  marking_level: Generated<number>;
  nhs_number: string | null;
  organisation_id: string;
  phone: string | null;
  postcode: string | null;
  subject_account_id: string | null;
  town: string | null;
  updated_at: Generated<Timestamp>;
  uprn: ColumnType<number, number | string, number | string> | null;
  version: Generated<number>;
}

export interface MaturityAssessments {
  framework_id: string;
  id: Generated<string>;
  organisation_id: string;
  platform_evidence: Json | null;
  started_at: Generated<Timestamp>;
  started_by: string | null;
  status: Generated<'draft' | 'submitted'>;
  submitted_at: Timestamp | null;
  submitted_by: string | null;
}

export interface MaturityEvidenceFiles {
  added_at: Generated<Timestamp>;
  added_by: string | null;
  assessment_id: string;
  content: ColumnType<Buffer, Uint8Array, Uint8Array>;
  filename: string;
  id: Generated<string>;
  item: string;
  media_type: 'application/pdf' | 'image/png' | 'image/jpeg' | 'text/csv' | 'text/plain';
  size: number;
}

export interface MaturityScores {
  assessment_id: string;
  item: string;
  links: Generated<string[]>;
  reason: string;
  score: number;
  updated_at: Generated<Timestamp>;
  updated_by: string | null;
}

export interface NotificationOutbox {
  attempts: Generated<number>;
  channel: 'email' | 'sms';
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  in_doubt: Generated<boolean>;
  last_error: string | null;
  next_attempt_at: Generated<Timestamp>;
  personalisation: Generated<Record<string, string>>;
  recipient: string;
  reference: string | null;
  sent_at: Timestamp | null;
  status: Generated<'pending' | 'sent' | 'failed'>;
  template: string;
}

export interface OidcClients {
  auth_method: 'none' | 'client_secret_basic' | 'private_key_jwt';
  client_id: string;
  client_secret: string | null;
  created_at: Generated<Timestamp>;
  disabled: Generated<boolean>;
  grant_types: Generated<string[]>;
  jwks: { keys: Record<string, unknown>[] } | null;
  name: string;
  organisation_id: string | null;
  post_logout_redirect_uris: Generated<string[]>;
  redirect_uris: Generated<string[]>;
  scopes: Generated<string[]>;
  updated_at: Generated<Timestamp>;
}

export interface OidcPayloads {
  consumed_at: Timestamp | null;
  expires_at: Timestamp | null;
  grant_id: string | null;
  id: string;
  model: string;
  payload: AdapterPayload;
  uid: string | null;
  user_code: string | null;
}

export interface OidcSessionConfidence {
  expires_at: Timestamp;
  identity_confidence: 'none' | 'low' | 'medium';
  session_uid: string;
}

export interface OidcSigningKeys {
  created_at: Generated<Timestamp>;
  kid: string;
  private_jwk: JWK;
  retired_at: Timestamp | null;
}

export interface Open311ApiKeys {
  contact: string | null;
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  issued_by: string | null;
  key_hash: string;
  name: string;
  organisation_id: string | null;
  revoked_at: Timestamp | null;
  rotated_at: Timestamp | null;
}

export interface OpenDataFileParts {
  bytes: ColumnType<Buffer, Uint8Array, Uint8Array>;
  format: string;
  part: number;
  release_id: string;
}

export interface OpenDataFiles {
  byte_size: ColumnType<number, number | string, number | string>;
  format: string;
  media_type: string;
  release_id: string;
  sha256: string;
}

export interface OpenDataReleases {
  covers_from: string;
  covers_to: string;
  dataset: string;
  id: Generated<string>;
  ledger_seq: ColumnType<number, number | string, number | string> | null;
  published_at: Timestamp;
  row_count: ColumnType<number, number | string, number | string>;
  version: number;
  withdrawn_at: Timestamp | null;
  withdrawn_reason: string | null;
}

export interface OpenDataSchedules {
  dataset: string;
  every_hours: number;
}

export interface OpenDataServices {
  publication: 'rows' | 'counts' | 'never';
  service_code: string;
}

export interface Organisations {
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  kind:
    | 'county_council'
    | 'district_council'
    | 'unitary_council'
    | 'nhs_trust'
    | 'integrated_care_board'
    | 'police'
    | 'fire_and_rescue'
    | 'school'
    | 'voluntary_organisation';
  name: string;
  ref: string;
}

export interface OutboundSends {
  attempts: Generated<number>;
  case_id: string;
  created_at: Generated<Timestamp>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  remote_id: string | null;
  remote_updated_at: Timestamp | null;
  sent_at: Timestamp | null;
  state: Generated<'waiting' | 'sent' | 'failed'>;
  system_id: string;
}

export interface OutboundServices {
  organisation_id: string;
  remote_code: string;
  service_code: string;
  system_id: string;
}

export interface OutboundSystems {
  api_key_sealed: string;
  created_at: Generated<Timestamp>;
  created_by: string | null;
  endpoint: string;
  id: Generated<string>;
  jurisdiction_id: string | null;
  name: string;
  organisation_id: string;
  push_token_hash: string;
  send_contact: Generated<boolean>;
  updates_since: Timestamp | null;
}

export interface OutboundUpdates {
  applied_at: Generated<Timestamp>;
  case_id: string;
  system_id: string;
  update_id: string;
}

export interface PasskeyChallenges {
  account_id: string | null;
  challenge: string;
  expires_at: Timestamp;
  purpose: 'register' | 'sign_in';
}

export interface Passkeys {
  account_id: string;
  counter: Generated<ColumnType<number, number | string, number | string>>;
  created_at: Generated<Timestamp>;
  credential_id: string;
  id: Generated<string>;
  last_used_at: Timestamp | null;
  name: string;
  public_key: ColumnType<Buffer, Uint8Array, Uint8Array>;
  transports: Generated<string[]>;
}

export interface PendingSignIns {
  account_id: string;
  expires_at: Timestamp;
  failures: Generated<number>;
  id_hash: string;
}

export interface People {
  created_at: Generated<Timestamp>;
  created_run: string | null;
  id: Generated<string>;
  merged_into: string | null;
  retired_at: Timestamp | null;
  retired_run: string | null;
}

export interface PersonHistory {
  at: Generated<Timestamp>;
  decided_by: string | null;
  detail: Generated<Json>;
  event: 'created' | 'merged' | 'split' | 'records-added' | 'records-removed' | 'retired';
  id: Generated<ColumnType<number, number | string, number | string>>;
  person_id: string;
  reason: string | null;
  run_id: string | null;
}

export interface PersonLinks {
  linked_at: Generated<Timestamp>;
  linked_run: string;
  person_id: string;
  record_id: string;
  record_version: number;
}

export interface Place {
  id: Generated<number>;
  name: string;
}

export interface Properties {
  address_lines: string;
  latitude: number;
  longitude: number;
  postcode: string | null;
  search: Generated<string | null>;
  town: string | null;
  updated_at: Generated<Timestamp>;
  uprn: ColumnType<number, number | string, number | string>;
}

export interface Questionnaires {
  answered_at: Timestamp | null;
  case_id: string;
  expires_at: Timestamp;
  fixed: boolean | null;
  id: Generated<string>;
  sent_at: Timestamp;
  token_hash: string;
}

export interface QuestionnaireSettings {
  service_code: string;
  weeks: number;
}

export interface Referrals {
  agreement_id: string;
  case_id: string;
  created_at: Generated<Timestamp>;
  created_by: string;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_reason: string | null;
  from_organisation_id: string;
  id: Generated<string>;
  note: string;
  purpose: string;
  status: Generated<'pending' | 'accepted' | 'declined'>;
  to_organisation_id: string;
}

export interface ReportDraftPhotos {
  bytes: ColumnType<Buffer, Uint8Array, Uint8Array>;
  content_type: 'image/jpeg' | 'image/png' | 'image/webp';
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  metadata: Generated<'kept' | 'stripped' | 'unreadable'>;
  name: string;
  token_hash: string;
}

export interface ReportDrafts {
  answers: Generated<Record<string, unknown>>;
  expires_at: Timestamp;
  token_hash: string;
}

export interface RoutemapActionPartners {
  action_id: string;
  organisation_id: string;
}

export interface RoutemapActions {
  created_at: Generated<Timestamp>;
  created_by: string | null;
  due_on: string;
  id: Generated<string>;
  item: string;
  organisation_id: string;
  owner_email: string;
  owner_name: string;
  reminded_at: Timestamp | null;
  status: Generated<'planned' | 'in_progress' | 'done'>;
  title: string;
}

export interface RoutemapFrameworks {
  added_at: Generated<Timestamp>;
  added_by: string | null;
  definition: Json;
  id: string;
  title: string;
}

export interface RoutemapImportedBenchmarks {
  framework_id: string;
  id: Generated<string>;
  imported_at: Generated<Timestamp>;
  imported_by: string | null;
  place_name: string;
}

export interface RoutemapImportedScores {
  assessed_on: string;
  benchmark_id: string;
  item: string;
  organisation: string;
  score: number;
}

export interface RoutingOverrides {
  area_id: string;
  organisation_id: string;
  reason: string;
  service_code: string;
  set_at: Generated<Timestamp>;
  set_by: string;
}

export interface SavingEntries {
  account_id: string;
  at: Generated<Timestamp>;
  id: Generated<ColumnType<number, number | string, number | string>>;
  organisation_id: string;
  reason: string | null;
  saving_id: string;
  state: 'planned' | 'realised' | 'verified' | 'reversed';
}

export interface Savings {
  amount_pence: ColumnType<number, number | string, number | string>;
  cashable: boolean;
  description: string;
  evidence: string;
  financial_year: number;
  id: Generated<string>;
  recorded_at: Generated<Timestamp>;
  recorded_by: string;
  recorded_by_organisation: string;
  recurring: boolean;
  title: string;
}

export interface SavingShares {
  organisation_id: string;
  saving_id: string;
  share_basis_points: number;
}

export interface SecondFactors {
  account_id: string;
  enrolled_at: Timestamp | null;
  last_step: Generated<ColumnType<number, number | string, number | string>>;
  totp_secret: string;
}

export interface Services {
  code: string;
  created_at: Generated<Timestamp>;
  description: string;
  keywords: Generated<string[]>;
  lgsl_code: number | null;
  name: string;
  responsible_kind:
    | 'county_council'
    | 'district_council'
    | 'unitary_council'
    | 'nhs_trust'
    | 'integrated_care_board'
    | 'police'
    | 'fire_and_rescue'
    | 'school'
    | 'voluntary_organisation';
  service_group: string;
}

export interface Sessions {
  account_id: string;
  auth_method: Generated<string>;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  id_hash: string;
  identity_confidence: 'none' | 'low' | 'medium' | null;
  last_seen_at: Generated<Timestamp>;
  upstream: string | null;
}

export interface SharingAgreements {
  created_at: Generated<Timestamp>;
  created_by: string;
  datasets: string[];
  ends_on: string;
  highest_marking: number;
  id: Generated<string>;
  lawful_basis:
    | 'consent'
    | 'contract'
    | 'legal_obligation'
    | 'vital_interests'
    | 'public_task'
    | 'legitimate_interests';
  purposes: string[];
  revocation_reason: string | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  special_category_basis:
    | 'explicit_consent'
    | 'employment_social_protection'
    | 'vital_interests'
    | 'not_for_profit_body'
    | 'made_public'
    | 'legal_claims'
    | 'substantial_public_interest'
    | 'health_social_care'
    | 'public_health'
    | 'archiving_research_statistics'
    | null;
  starts_on: string;
  status: Generated<'draft' | 'active' | 'revoked'>;
  title: string;
}

export interface SignInFailures {
  email_key: string;
  failed_at: Generated<Timestamp>;
  source_key: Generated<string>;
}

export interface SpendingLines {
  amount: Numeric;
  beneficiary: string;
  beneficiary_registration: string | null;
  beneficiary_type: 'company' | 'charity' | 'public_body' | 'sole_trader' | 'individual';
  department: string;
  id: Generated<ColumnType<number, number | string, number | string>>;
  irrecoverable_vat: Numeric | null;
  loaded_at: Generated<Timestamp>;
  merchant_category: string | null;
  organisation_id: string;
  purpose: string;
  spent_on: string;
  transaction_number: string | null;
}

export interface StaffRoles {
  account_id: string;
  organisation_id: string;
  role: 'staff' | 'manager' | 'ig_officer' | 'auditor' | 'admin';
}

export interface Teams {
  email: string | null;
  id: Generated<string>;
  name: string;
  organisation_id: string;
}

export interface UpstreamIdentities {
  account_id: string;
  linked_at: Generated<Timestamp>;
  provider_slug: string;
  subject: string;
}

export interface UpstreamProviders {
  client_id: string;
  client_secret: string;
  created_at: Generated<Timestamp>;
  enabled: Generated<boolean>;
  issuer: string;
  kind: 'citizen' | 'staff';
  name: string;
  organisation_id: string | null;
  slug: string;
  vtr: string | null;
}

export interface WitnessedLogs {
  key_id: string;
  log_url: string;
  public_key: string;
  root_hash: ColumnType<Buffer, Uint8Array, Uint8Array>;
  tree_size: ColumnType<number, number | string, number | string>;
  updated_at: Generated<Timestamp>;
}

export interface DB {
  accounts: Accounts;
  agreement_parties: AgreementParties;
  alert_subscriptions: AlertSubscriptions;
  app_role_limits: AppRoleLimits;
  app_secrets: AppSecrets;
  area_coverage: AreaCoverage;
  areas: Areas;
  audit_checkpoints: AuditCheckpoints;
  audit_cosignatures: AuditCosignatures;
  audit_ledger: AuditLedger;
  audit_signing_keys: AuditSigningKeys;
  audit_witnesses: AuditWitnesses;
  break_glass_reviews: BreakGlassReviews;
  case_photos: CasePhotos;
  case_updates: CaseUpdates;
  cases: Cases;
  clearances: Clearances;
  contracts: Contracts;
  correction_requests: CorrectionRequests;
  delegations: Delegations;
  email_links: EmailLinks;
  kpi_data_requests: KpiDataRequests;
  kpi_questionnaires: KpiQuestionnaires;
  kpi_records: KpiRecords;
  kpi_referrals: KpiReferrals;
  kpi_request_facts: KpiRequestFacts;
  kpi_requests: KpiRequests;
  kpi_runs: KpiRuns;
  kpi_snapshots: KpiSnapshots;
  kpi_stale_cases: KpiStaleCases;
  kpi_values: KpiValues;
  link_kept_keys: LinkKeptKeys;
  link_name_counts: LinkNameCounts;
  link_pairs: LinkPairs;
  link_runs: LinkRuns;
  local_records: LocalRecords;
  maturity_assessments: MaturityAssessments;
  maturity_evidence_files: MaturityEvidenceFiles;
  maturity_scores: MaturityScores;
  notification_outbox: NotificationOutbox;
  oidc_clients: OidcClients;
  oidc_payloads: OidcPayloads;
  oidc_session_confidence: OidcSessionConfidence;
  oidc_signing_keys: OidcSigningKeys;
  open_data_file_parts: OpenDataFileParts;
  open_data_files: OpenDataFiles;
  open_data_releases: OpenDataReleases;
  open_data_schedules: OpenDataSchedules;
  open_data_services: OpenDataServices;
  open311_api_keys: Open311ApiKeys;
  organisations: Organisations;
  outbound_sends: OutboundSends;
  outbound_services: OutboundServices;
  outbound_systems: OutboundSystems;
  outbound_updates: OutboundUpdates;
  passkey_challenges: PasskeyChallenges;
  passkeys: Passkeys;
  pending_sign_ins: PendingSignIns;
  people: People;
  person_history: PersonHistory;
  person_links: PersonLinks;
  place: Place;
  properties: Properties;
  questionnaire_settings: QuestionnaireSettings;
  questionnaires: Questionnaires;
  referrals: Referrals;
  report_draft_photos: ReportDraftPhotos;
  report_drafts: ReportDrafts;
  routemap_action_partners: RoutemapActionPartners;
  routemap_actions: RoutemapActions;
  routemap_frameworks: RoutemapFrameworks;
  routemap_imported_benchmarks: RoutemapImportedBenchmarks;
  routemap_imported_scores: RoutemapImportedScores;
  routing_overrides: RoutingOverrides;
  saving_entries: SavingEntries;
  saving_shares: SavingShares;
  savings: Savings;
  second_factors: SecondFactors;
  services: Services;
  sessions: Sessions;
  sharing_agreements: SharingAgreements;
  sign_in_failures: SignInFailures;
  spending_lines: SpendingLines;
  staff_roles: StaffRoles;
  teams: Teams;
  upstream_identities: UpstreamIdentities;
  upstream_providers: UpstreamProviders;
  witnessed_logs: WitnessedLogs;
}
