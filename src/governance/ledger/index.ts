// The tamper-evident audit ledger: append-only, hash-chained, with signed Merkle checkpoints
// that `flagstone audit verify` checks. Modules write events here; decisions on personal data
// are written by the guard (decisions/), the only writer of a decision entry.

export { headKeeper, keepVerifiedState, readHeads, readVerifiedState, type TreeHead } from './heads.ts';
export {
  type AuditLedger,
  /** Appends entries as they are, decisions included: for the benchmark that fills a ledger, never for modules. */
  appendEntries,
  auditLedger,
  type DecisionEntry,
  type Ledger,
  type LedgerEntry,
  type LedgerOptions,
  ledger,
  type StoredEntry,
} from './ledger.ts';
export { ledgerRoutes } from './routes.ts';
export { type Cosignature, WITNESS_PATH, type WitnessOutcome } from './witnesses.ts';
