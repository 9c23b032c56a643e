import { describe, expect, it } from 'vitest';
import { demoAddresses, demoGazetteer } from './demo-gazetteer.ts';
import { demoPlace } from './demo-place.ts';
import { routingTable } from './routing/index.ts';

const addresses = demoAddresses();
const table = routingTable(
  demoPlace.areas.map((a) => ({ ref: a.ref, name: a.name, geometry: a.boundary, coverage: a.coverage })),
);

describe("the demo place's gazetteer", () => {
  it('has a few thousand addresses, each UPRN once', () => {
    expect(addresses.length).toBeGreaterThan(2000);
    expect(addresses.length).toBeLessThan(8000);
    expect(new Set(addresses.map((a) => a.uprn)).size).toBe(addresses.length);
    expect(new Set(addresses.map((a) => `${a.address}|${a.town}|${a.postcode}`)).size).toBe(addresses.length);
  });

  it('puts every address inside exactly one of the areas, in each of the three', () => {
    const areas = new Set<string>();
    for (const a of addresses) {
      const { inside } = table.locate(a.longitude, a.latitude);
      expect(inside).toHaveLength(1);
      areas.add(inside[0]?.ref as string);
    }
    expect([...areas].sort()).toEqual(['ashby-vale', 'castlebridge', 'northmoor']);
  });

  it("has the demo people's addresses and the postcodes used as examples", () => {
    const at = (postcode: string) => addresses.filter((a) => a.postcode === postcode).map((a) => a.address);
    expect(at('CB4 7QD')).toContain('12 Tanner Row');
    expect(at('NM1 4RT')).toContain('3 Chapel Close');
    expect(at('AV2 3LP')).toContain('4 Mill Lane');
    expect(at('AV2 4HT').length).toBeGreaterThan(5);
    expect(addresses.every((a) => /^[A-Z]{2}\d \d[A-Z]{2}$/.test(a.postcode))).toBe(true);
  });

  it('is the same every time, as a CSV file with a header', () => {
    expect(demoGazetteer()).toBe(demoGazetteer());
    expect(demoGazetteer().split('\n')[0]).toBe('uprn,address,town,postcode,latitude,longitude');
  });
});
