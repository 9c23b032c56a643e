import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, citizen, signIn, type TestContext, testApp } from '../../test/support.ts';
import { demoPlace } from './demo-place.ts';
import type { Service } from './schemas.ts';
import { CATALOGUE_CACHE_MS } from './service.ts';

let t: TestContext;
let adminCookie: string;
let citizenCookie: string;

beforeAll(async () => {
  t = await testApp();
  adminCookie = await signIn(t.app, administrator().email, administrator().password);
  citizenCookie = await signIn(t.app, citizen().email, citizen().password);
});
afterAll(() => t.close());

const json = (cookie: string, payload: unknown) => ({
  headers: { cookie, 'content-type': 'application/json' },
  payload: JSON.stringify(payload),
});

describe('the places API', () => {
  it('lists the organisations of the demo place', async () => {
    const response = await t.app.inject('/api/v1/organisations');
    expect(response.statusCode).toBe(200);
    expect(
      response
        .json()
        .map((o: { ref: string }) => o.ref)
        .sort(),
    ).toEqual(demoPlace.organisations.map((o) => o.ref).sort());
  });

  it('answers one organisation, and 404 problem+json for an unknown one', async () => {
    expect((await t.app.inject('/api/v1/organisations/fellshire-cc')).json()).toMatchObject({
      name: 'Fellshire County Council',
      kind: 'county_council',
    });
    const missing = await t.app.inject('/api/v1/organisations/nowhere');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('gives areas as GeoJSON with who covers which functions', async () => {
    const collection = (await t.app.inject('/api/v1/areas')).json();
    expect(collection.type).toBe('FeatureCollection');
    const castlebridge = collection.features.find((f: { id: string }) => f.id === 'castlebridge');
    expect(castlebridge.geometry.type).toBe('Polygon');
    expect(castlebridge.properties.coverage).toContainEqual({
      organisation: 'castlebridge-council',
      functions: ['county_council', 'district_council', 'unitary_council'],
    });
  });

  it('searches the service catalogue by keyword and by group', async () => {
    const potholes = (await t.app.inject('/api/v1/services?q=pothole')).json();
    expect(potholes.map((s: { code: string }) => s.code)).toContain('pothole');
    expect(potholes[0].responsibleKind).toBe('county_council');
    const group = potholes[0].group;
    const inGroup = (await t.app.inject(`/api/v1/services?group=${encodeURIComponent(group)}`)).json();
    expect(inGroup.every((s: { group: string }) => s.group === group)).toBe(true);
    expect((await t.app.inject('/api/v1/services?q=zzzzzz')).json()).toEqual([]);
  });

  it('lets an administrator add an organisation', async () => {
    const org = {
      ref: 'fellshire-icb',
      name: 'Fellshire Integrated Care Board',
      kind: 'integrated_care_board',
    };
    const refs = async () =>
      (await t.app.inject('/api/v1/organisations')).json().map((o: { ref: string }) => o.ref);
    expect(await refs()).not.toContain('fellshire-icb');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      ...json(adminCookie, org),
    });
    expect(response.statusCode).toBe(201);
    expect((await t.app.inject('/api/v1/organisations/fellshire-icb')).json()).toEqual(org);
    expect(await refs()).toContain('fellshire-icb');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      ...json(adminCookie, org),
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses to add an organisation for a citizen (403) and for nobody (401)', async () => {
    const org = { ref: 'rogue-org', name: 'Rogue', kind: 'school' };
    const asCitizen = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      ...json(citizenCookie, org),
    });
    expect(asCitizen.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', ...json('', org) });
    expect(anonymous.statusCode).toBe(401);
    expect((await t.app.inject('/api/v1/organisations/rogue-org')).statusCode).toBe(404);
  });

  it('refuses an organisation of an unknown kind with the field named', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      ...json(adminCookie, { ref: 'odd-one', name: 'Odd', kind: 'parish_council' }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain('body.kind');
  });

  it('answers malformed JSON with 400 problem+json and changes nothing', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { cookie: adminCookie, 'content-type': 'application/json' },
      payload: '{"ref": "broken",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.app.inject('/api/v1/organisations/broken')).statusCode).toBe(404);
  });

  it('answers a body over the limit with 413 problem+json', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      ...json(adminCookie, { code: 'huge', description: 'x'.repeat(1_100_000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, title: 'Content too large' });
  });

  it('adds an area, and refuses one whose ring is open or whose organisation is unknown, saving nothing', async () => {
    const square = [
      [-1.5, 52.0],
      [-1.4, 52.0],
      [-1.4, 52.1],
      [-1.5, 52.1],
      [-1.5, 52.0],
    ];
    const good = {
      ref: 'test-area',
      name: 'Test area',
      boundary: { type: 'Polygon', coordinates: [square] },
      coverage: [{ organisation: 'fellshire-fire', functions: ['fire_and_rescue'] }],
    };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/areas', ...json(adminCookie, good) });
    expect(created.statusCode).toBe(201);
    expect(created.json().properties.coverage).toEqual(good.coverage);

    const bad = {
      ...good,
      ref: 'bad-area',
      boundary: { type: 'Polygon', coordinates: [square.slice(0, 4)] },
      coverage: [{ organisation: 'nobody', functions: ['police'] }],
    };
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/areas', ...json(adminCookie, bad) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { field: 'boundary.coordinates[0]', message: 'A ring must end at the position it starts from' },
      { field: 'coverage[0].organisation', message: 'There is no organisation nobody' },
    ]);
    expect((await t.app.inject('/api/v1/areas/bad-area')).statusCode).toBe(404);
  });

  it('adds a service to the catalogue and refuses a second with the same code', async () => {
    const service = {
      code: 'tree-works',
      lgslCode: null,
      name: 'Report a dangerous tree',
      description: 'Tell us about a tree on council land that looks unsafe.',
      group: 'Environment',
      responsibleKind: 'district_council',
      keywords: ['tree', 'branch'],
    };
    const codes = async () => (await t.app.inject('/api/v1/services')).json().map((s: Service) => s.code);
    expect(await codes()).not.toContain('tree-works');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      ...json(adminCookie, service),
    });
    expect(created.statusCode).toBe(201);
    expect((await t.app.inject('/api/v1/services/tree-works')).json()).toEqual(service);
    // The catalogue kept in memory is read again at once after a change made here.
    expect(await codes()).toContain('tree-works');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      ...json(adminCookie, service),
    });
    expect(again.statusCode).toBe(409);
  });
});

describe('the place and its catalogue, kept in memory', () => {
  it('shows a change made elsewhere (another instance, the command line) once it has been kept for long enough', async () => {
    const pool = t.services.database.pool;
    const codes = async () => (await t.app.inject('/api/v1/services')).json().map((s: Service) => s.code);
    const place = async () => (await t.app.inject('/api/v1/place')).json().name;
    expect(await codes()).not.toContain('hedge-cutting');
    expect(await place()).toBe('Fellshire');
    await pool.query(
      `INSERT INTO services (code, name, description, service_group, responsible_kind, keywords)
       VALUES ('hedge-cutting', 'Report an overgrown hedge', 'A hedge blocking a path.', 'Environment',
               'district_council', '{hedge}')`,
    );
    await pool.query(`UPDATE place SET name = 'Dalesford' WHERE id = 1`);
    try {
      t.clock.wait(CATALOGUE_CACHE_MS);
      expect(await codes()).toContain('hedge-cutting');
      expect(await place()).toBe('Dalesford');
    } finally {
      await pool.query(`UPDATE place SET name = 'Fellshire' WHERE id = 1`);
      t.clock.wait(CATALOGUE_CACHE_MS);
    }
    // A search asks the database each time.
    expect((await t.app.inject('/api/v1/services?q=hedge')).json().map((s: Service) => s.code)).toEqual([
      'hedge-cutting',
    ]);
  });
});

describe('organisations by id, for the modules that show them beside their rows', () => {
  const idsOf = async (refs: string[]) => [...(await t.services.places.organisationIds(refs)).values()];

  it('answers the organisations asked for, leaving out an id that names none', async () => {
    const [id] = await idsOf(['fellshire-cc']);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const found = await t.services.places.organisationsById([id as string, unknown]);
    expect([...found.keys()]).toEqual([id]);
    expect(found.get(id as string)).toMatchObject({
      id,
      ref: 'fellshire-cc',
      name: 'Fellshire County Council',
      kind: 'county_council',
    });
  });

  it('finds an organisation added after it was first asked, and orders by name as the database does', async () => {
    await t.services.places.organisationsById(await idsOf(['fellshire-cc']));
    const admin = await t.services.identity.actorByEmail(administrator().email);
    for (const ref of ['zz-twin-b', 'zz-twin-a'])
      await t.services.places.createOrganisation(admin, { ref, name: 'Aardvark Trust', kind: 'school' });
    const ids = await idsOf(['zz-twin-a', 'zz-twin-b', 'fellshire-cc']);
    const found = await t.services.places.organisationsById(ids);
    expect([...found.values()].map((o) => o.ref).sort()).toEqual(['fellshire-cc', 'zz-twin-a', 'zz-twin-b']);
    const byName = (await t.services.places.organisations()).map((o) => o.name);
    const order = (ref: string) => [...found.values()].find((o) => o.ref === ref)?.nameOrder;
    expect(order('zz-twin-a')).toBe(order('zz-twin-b'));
    expect(order('zz-twin-a')).toBe(byName.indexOf('Aardvark Trust'));
    expect(order('fellshire-cc')).toBe(byName.indexOf('Fellshire County Council'));
  });
});
