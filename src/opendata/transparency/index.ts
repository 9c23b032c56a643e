// Transparency: each council's spending over £500 and contracts over £5,000, loaded from its
// finance system's files and published as the Local Government Transparency Code 2015 asks
// (contracts also as OCDS 1.1).
export { contractsDataset, ocdsRelease, spendingDataset } from './datasets.ts';
export { loadTransparencyDemo } from './demo.ts';
export { type FileKind, type ImportReport, importFile } from './import.ts';
export type { RowProblem } from './rows.ts';
