// The demo place's open data: which services' requests are published one by one (the rest only
// as counts), a year of each council's spending and its contracts, then a first release of every
// dataset, so the catalogue has content on first start.
import type { OpenDataService } from './service.ts';

const oneByOne = [
  'pothole',
  'street-light',
  'road-gritting',
  'pavement-problem',
  'blocked-gully',
  'missed-bin',
  'bulky-waste',
  'fly-tipping',
  'graffiti',
  'dog-fouling',
  'street-cleaning',
  'abandoned-vehicle',
];

/** `publish`: a first release of every dataset too (the demo's live data is loaded by then). */
export async function loadOpenDataDemo(openData: OpenDataService, { publish = false } = {}) {
  for (const service of oneByOne) await openData.setPublication(service, 'rows');
  await openData.setPublication('falls-prevention', 'never');
  await openData.loadFinanceDemo();
  if (publish) for (const d of openData.datasets()) await openData.publish(d.id);
}
