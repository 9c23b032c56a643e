// The command line of the gazetteer: `flagstone import properties`, with a progress bar on
// standard error and a report on standard output.
import { loadFile, problemLines } from '../importing/index.ts';
import type { PropertiesService } from './service.ts';

/** Loads a gazetteer CSV file (uprn, address, town, postcode, and latitude/longitude or easting/northing). */
export function importPropertiesFromCommandLine(
  properties: PropertiesService,
  file: string,
): Promise<{ ok: boolean; message: string }> {
  return loadFile(file, async (csv, progress) => {
    const report = await properties.importProperties(csv, (r) => progress(r.rows));
    return [
      `Read ${report.rows} rows of ${file}: ${report.loaded} properties loaded or updated, ${new Set(report.rejected.map((r) => r.row)).size} rejected`,
      ...problemLines('Rejected rows (not loaded)', report.rejected),
    ];
  });
}
