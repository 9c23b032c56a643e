import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { fromNationalGrid } from './rows.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const GAZETTEER = `uprn,address,town,postcode,latitude,longitude,easting,northing
100012345,12 Tanner Row,Castlebridge,cb4 7qd,52.3,-1.68,,
100012346,3 Chapel Close,Northmoor,NM1 4RT,,,386498.44,281354.32
12ab,Nowhere,Northmoor,NM1 4RT,52.4,-2.2,,
100012347,,Northmoor,NM1 4RT,52.4,-2.2,,
`;

describe('the gazetteer of properties', () => {
  it('converts British National Grid easting and northing to latitude and longitude', () => {
    const [lon, lat] = fromNationalGrid(421918.59, 266923.3);
    expect(lon).toBeCloseTo(-1.68, 5);
    expect(lat).toBeCloseTo(52.3, 5);
  });

  it('loads properties from either kind of place and reports bad rows', async () => {
    const report = await t.services.properties.importProperties(Readable.from([GAZETTEER]));
    expect(report).toMatchObject({ rows: 4, loaded: 2 });
    expect(report.rejected.map((r) => [r.row, r.field])).toEqual([
      [4, 'uprn'],
      [5, 'address'],
    ]);
    const again = await t.services.properties.importProperties(Readable.from([GAZETTEER]));
    expect(again.loaded).toBe(2);
  });

  it('refuses a file without a place for each property, naming what is missing', async () => {
    await expect(
      t.services.properties.importProperties(Readable.from(['uprn,address\n1,A\n'])),
    ).rejects.toThrow('latitude and longitude (or easting and northing)');
  });

  it('finds properties by address and says who serves them for which functions', async () => {
    const found = await t.app.inject({ url: '/api/v1/properties?q=tanner%20cb4' });
    expect(found.json().map((p: { uprn: number }) => p.uprn)).toEqual([100012345]);
    const chapel = (await t.app.inject({ url: '/api/v1/properties/100012346' })).json();
    expect(chapel.latitude).toBeCloseTo(52.43, 4);
    const functions = Object.fromEntries(
      chapel.servedBy.flatMap((s: { organisation: string; functions: string[] }) =>
        s.functions.map((f) => [f, s.organisation]),
      ),
    );
    expect(functions).toMatchObject({ county_council: 'fellshire-cc', fire_and_rescue: 'fellshire-fire' });
    expect((await t.app.inject({ url: '/api/v1/properties/99' })).statusCode).toBe(404);
  });

  it('finds properties by postcode however it is written, each with who serves it', async () => {
    const found = (await t.app.inject({ url: '/api/v1/properties?q=cb47qd' })).json();
    expect(found.map((p: { uprn: number }) => p.uprn)).toEqual([100012345]);
    const functions = found[0].servedBy.flatMap((s: { functions: string[] }) => s.functions);
    expect(functions).toContain('fire_and_rescue');
    expect(functions).toContain('unitary_council');
    expect((await t.app.inject({ url: '/api/v1/properties?q=zz1%201zz' })).json()).toEqual([]);
  });

  it('says what to search for when the search is empty', async () => {
    const blank = await t.app.inject({ url: '/api/v1/properties?q=%20' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([{ field: 'q', message: 'Enter a postcode or part of an address' }]);
    const page = await t.app.inject({ url: '/properties?q=', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Enter a postcode or part of an address');
  });
});
