// Loading many records at once: an organisation's CSV file from the command line (rows
// checked one by one, streamed in batches) and batches agency systems submit through the API.
// Also the command line's way of reading a file with a progress bar, which the other
// registers commands share.
export { importPeopleFromCommandLine, loadFile, problemLines, progressBar } from './command-line.ts';
export { parseColumnMapping, type RowProblem } from './rows.ts';
export { type ImportReport, type ImportService, importService } from './service.ts';
