// Open311 clients place a request by the gazetteer (the registers' properties): by a UPRN or an
// address matching one property, through HTTP against the real database.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;

// A few properties of the gazetteer: two on one street in Ashby Vale, one outside Fellshire, one more.
const GAZETTEER = `uprn,address,town,postcode,latitude,longitude
200000000001,1 Mill Lane,Ashby,AV1 2MQ,52.235,-2.21
200000000002,3 Mill Lane,Ashby,AV1 2MQ,52.2352,-2.2102
200000000003,9 Far Away,Elsewhere,ZZ9 9ZZ,52.55,-1.45
200000000004,7 Station Road,Ashby,AV1 3SR,52.24,-2.19
`;

beforeAll(async () => {
  t = await testApp();
  await t.services.properties.importProperties(Readable.from([GAZETTEER]));
});
afterAll(() => t?.close());

describe('Open311 places a request by the gazetteer', () => {
  const KEY = 'journey-test-key';
  const post = async (fields: Record<string, string>, format = 'json') => {
    await t.services.requests.issueApiKey('Journey test client', KEY).catch(() => {});
    return t.app.inject({
      method: 'POST',
      url: `/open311/v2/requests.${format}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        api_key: KEY,
        service_code: 'street-light',
        'attribute[fault]': 'out',
        ...fields,
      }).toString(),
    });
  };
  const placed = async (reference: string) =>
    (await t.app.inject({ url: `/open311/v2/requests/${reference}.json` })).json()[0];

  it('by address_id, a UPRN: at the property, whatever point was given', async () => {
    const response = await post({ address_id: '200000000001', lat: '52.3', long: '-1.68' });
    expect(response.statusCode, response.body).toBe(200);
    expect(await placed(response.json()[0].service_request_id)).toMatchObject({
      address_id: '200000000001',
      address: '1 Mill Lane, Ashby, AV1 2MQ',
      lat: 52.235,
      long: -2.21,
      agency_responsible: 'Fellshire County Council',
    });
  });

  it('by an address_string that matches one property', async () => {
    const response = await post({ address_string: '7 Station Road, Ashby' });
    expect(response.statusCode, response.body).toBe(200);
    expect(await placed(response.json()[0].service_request_id)).toMatchObject({
      address_id: '200000000004',
      address: '7 Station Road, Ashby',
      lat: 52.24,
    });
  });

  it('by an address_string that matches a few properties close together: among them, without a UPRN', async () => {
    const response = await post({ address_string: 'Mill Lane', service_code: 'graffiti' });
    expect(response.statusCode, response.body).toBe(200);
    const request = await placed(response.json()[0].service_request_id);
    expect(request.address).toBe('Mill Lane');
    expect(request.lat).toBeCloseTo(52.2351, 6);
    expect(request.long).toBeCloseTo(-2.2101, 6);
    expect(request.address_id).toBeUndefined();
  });

  it("refuses an unknown UPRN, an address matching none or properties far apart, and no location at all, in the specification's format", async () => {
    const cases: [Record<string, string>, string][] = [
      [
        { address_id: '999999999999' },
        'address_id: There is no property with the UPRN 999999999999 in the gazetteer',
      ],
      [
        { address_id: 'not-a-uprn', lat: '52.22', long: '-2.2' },
        'address_id: There is no property with the UPRN not-a-uprn',
      ],
      [
        { address_string: 'No Such Street' },
        'address_string: No property in the gazetteer matches the address',
      ],
      [{ address_string: 'Ashby' }, 'address_string: The address matches properties far apart'],
      [{}, 'A location is required: give lat and long, address_id or address_string'],
    ];
    const before = (await t.app.inject({ url: '/open311/v2/requests.json?service_code=street-light' })).json()
      .length;
    for (const [fields, description] of cases) {
      const response = await post(fields);
      expect(response.statusCode).toBe(400);
      expect(response.json()[0]).toMatchObject({ code: 400 });
      expect(response.json()[0].description).toContain(description);
    }
    const xml = await post({ address_id: '999999999999' }, 'xml');
    expect(xml.body).toContain('<description>address_id: There is no property with the UPRN 999999999999');
    expect(
      (await t.app.inject({ url: '/open311/v2/requests.json?service_code=street-light' })).json(),
    ).toHaveLength(before);
  });
});
