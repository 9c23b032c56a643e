// The check of a submission, without a database: every rule that decides whether a request is
// taken (by the pages or Open311), with what a citizen or a client is told, and how what passes
// is cleaned for storing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/index.ts';
import { definitionOf } from '../service-definitions.ts';
import { checkSubmission, type NewRequest } from './check.ts';

const pothole = { name: 'Report a pothole' };
const visit = { name: 'Book a free home fire safety visit' };
const point = { lat: 52.2, lon: -2.2 };
const check = (
  input: Partial<NewRequest>,
  service = pothole,
  code = 'pothole',
  citizen: Actor | null = null,
) => checkSubmission(service, definitionOf(code), { service: code, ...point, ...input }, citizen);
const fields = (input: Partial<NewRequest>, ...rest: [typeof pothole?, string?, (Actor | null)?]) =>
  check(input, ...rest).errors.map((e) => e.field);
const citizen: Actor = {
  accountId: '5b0f3c1e-9a43-4c1e-8d1a-2f3b4c5d6e7f',
  kind: 'citizen',
  name: 'Sam Jones',
  email: 'sam@example.com',
  roles: [],
};

describe('checking a submission', () => {
  it('takes a complete pothole report and cleans it: trimmed, empty as null, the email in lower case', () => {
    const { errors, request } = check({
      attributes: { size: ' large ' },
      description: '  Deep hole  ',
      email: ' Sam@Example.COM ',
      firstName: ' Sam ',
      lastName: '',
      phone: '01632 960001',
      addressString: ' Mill Lane ',
      mediaUrl: 'https://example.com/photo.jpg',
    });
    expect(errors).toEqual([]);
    expect(request).toEqual({
      ...point,
      addressString: 'Mill Lane',
      addressId: null,
      description: 'Deep hole',
      attributes: { size: 'large' },
      mediaUrl: 'https://example.com/photo.jpg',
      email: 'sam@example.com',
      firstName: 'Sam',
      lastName: null,
      phone: '01632 960001',
      contactBy: 'email',
      shareContact: false,
      deviceId: null,
      accountRef: null,
    });
  });

  it('needs a point on Earth: latitude and longitude, each within its range', () => {
    expect(check({ lat: null, lon: undefined, attributes: { size: 'small' } }).errors).toEqual([
      { field: 'lat', message: 'Give the latitude as a number from -90 to 90' },
      { field: 'lon', message: 'Give the longitude as a number from -180 to 180' },
    ]);
    expect(fields({ lat: 90.0001, lon: 0, attributes: { size: 'small' } })).toEqual(['lat']);
    expect(fields({ lat: Number.NaN, lon: -180.5, attributes: { size: 'small' } })).toEqual(['lat', 'lon']);
    expect(fields({ lat: 90, lon: -180, attributes: { size: 'small' } })).toEqual([]);
  });

  it("needs the service's required questions answered, from its list (the Open311 field names)", () => {
    expect(check({}).errors).toEqual([
      { field: 'attribute[size]', message: 'How big is the pothole? is required' },
    ]);
    expect(check({ attributes: { size: ' ' } }).errors).toEqual([
      { field: 'attribute[size]', message: 'How big is the pothole? is required' },
    ]);
    expect(check({ attributes: { size: 'huge' } }).errors).toEqual([
      { field: 'attribute[size]', message: 'Choose one of small, medium, large' },
    ]);
    expect(check({ attributes: { size: ['small', 'large'] } }).errors).toEqual([
      { field: 'attribute[size]', message: 'Choose one of small, medium, large' },
    ]);
    const dumped = check({ attributes: { waste: ['household', 'furniture'] } }, pothole, 'fly-tipping');
    expect(dumped.errors).toEqual([]);
    expect(dumped.request.attributes).toEqual({ waste: ['household', 'furniture'] });
  });

  it('refuses a description longer than 4000 characters, counted once trimmed', () => {
    const ok = { attributes: { size: 'small' } };
    expect(fields({ ...ok, description: `  ${'x'.repeat(4000)}  ` })).toEqual([]);
    expect(check({ ...ok, description: 'x'.repeat(4001) }).errors).toEqual([
      { field: 'description', message: 'Use 4000 characters or fewer' },
    ]);
  });

  it('refuses an email address or phone number that is not one', () => {
    const ok = { attributes: { size: 'small' } };
    const badEmail = { field: 'email', message: 'Enter an email address like name@example.com' };
    expect(check({ ...ok, email: 'sam at example.com' }).errors).toEqual([badEmail]);
    expect(check({ ...ok, email: `${'a'.repeat(250)}@example.com` }).errors).toEqual([badEmail]);
    expect(check({ ...ok, phone: 'call me' }).errors).toEqual([
      { field: 'phone', message: 'Enter a phone number, like 01632 960 001' },
    ]);
    expect(fields({ ...ok, phone: '+44 (0)1632 960-001' })).toEqual([]);
  });

  it('needs a way to contact the person where the service takes no anonymous reports, unless a citizen is signed in', () => {
    const needsContact = {
      field: 'email',
      message:
        'Book a free home fire safety visit needs a way to contact you: give an email address or phone number',
    };
    expect(check({}, visit, 'home-fire-safety-visit').errors).toEqual([needsContact]);
    expect(fields({ phone: '01632 960001' }, visit, 'home-fire-safety-visit')).toEqual([]);
    expect(fields({ email: 'sam@example.com' }, visit, 'home-fire-safety-visit')).toEqual([]);
    const signedIn = check({}, visit, 'home-fire-safety-visit', citizen);
    expect(signedIn.errors).toEqual([]);
    expect(signedIn.request.email).toBe('sam@example.com');
    // A pothole may be reported by nobody known.
    expect(fields({ attributes: { size: 'small' } })).toEqual([]);
  });

  it('keeps the email given over the signed-in citizen’s', () => {
    const given = check({ email: 'other@example.org' }, visit, 'home-fire-safety-visit', citizen);
    expect(given.request.email).toBe('other@example.org');
  });

  it('refuses names, addresses and ids longer than their columns, by their Open311 names', () => {
    const ok = { attributes: { size: 'small' } };
    expect(
      check({
        ...ok,
        firstName: 'x'.repeat(101),
        lastName: 'x'.repeat(101),
        addressString: 'x'.repeat(501),
        addressId: 'x'.repeat(101),
        deviceId: 'x'.repeat(201),
        accountRef: 'x'.repeat(201),
      }).errors,
    ).toEqual([
      { field: 'first_name', message: 'Use 100 characters or fewer' },
      { field: 'last_name', message: 'Use 100 characters or fewer' },
      { field: 'address_string', message: 'Use 500 characters or fewer' },
      { field: 'address_id', message: 'Use 100 characters or fewer' },
      { field: 'device_id', message: 'Use 200 characters or fewer' },
      { field: 'account_id', message: 'Use 200 characters or fewer' },
    ]);
    expect(
      fields({
        ...ok,
        firstName: 'x'.repeat(100),
        addressString: 'x'.repeat(500),
        deviceId: 'x'.repeat(200),
      }),
    ).toEqual([]);
  });

  it('takes a photo only by a web address', () => {
    const ok = { attributes: { size: 'small' } };
    const bad = { field: 'media_url', message: 'Give the address of the photo, starting https://' };
    expect(check({ ...ok, mediaUrl: 'javascript:alert(1)' }).errors).toEqual([bad]);
    expect(check({ ...ok, mediaUrl: 'https://example.com/a b.jpg' }).errors).toEqual([bad]);
    expect(check({ ...ok, mediaUrl: `https://example.com/${'x'.repeat(2000)}` }).errors).toEqual([bad]);
    expect(fields({ ...ok, mediaUrl: 'http://example.com/a.jpg' })).toEqual([]);
  });

  it('says everything wrong at once, in the order the fields are asked about', () => {
    const all = check(
      {
        lat: 100,
        lon: 0,
        description: 'x'.repeat(4001),
        email: 'no',
        phone: 'no',
        firstName: 'x'.repeat(101),
        mediaUrl: 'ftp://x',
      },
      visit,
      'home-fire-safety-visit',
    );
    expect(all.errors.map((e) => e.field)).toEqual([
      'lat',
      'description',
      'email',
      'phone',
      'first_name',
      'media_url',
    ]);
  });
});

describe('checking a submission, for any input', () => {
  const text = fc.option(fc.string({ maxLength: 300 }), { nil: undefined });
  const input = fc.record({
    lat: fc.option(fc.double(), { nil: null }),
    lon: fc.option(fc.double(), { nil: null }),
    description: text,
    email: text,
    phone: text,
    firstName: text,
    lastName: text,
    addressString: text,
    addressId: text,
    deviceId: text,
    accountRef: text,
    mediaUrl: text,
    attributes: fc.dictionary(fc.constantFrom('size', 'where', 'other'), fc.string({ maxLength: 20 })),
  });
  const known = new Set([
    'lat',
    'lon',
    'attribute[size]',
    'attribute[where]',
    'description',
    'email',
    'phone',
    'first_name',
    'last_name',
    'address_string',
    'address_id',
    'device_id',
    'account_id',
    'media_url',
  ]);

  it('never throws, names only fields of the request, and stores text trimmed or not at all', () => {
    fc.assert(
      fc.property(input, fc.boolean(), (given, signedIn) => {
        const { errors, request } = check(given, pothole, 'pothole', signedIn ? citizen : null);
        for (const e of errors) expect(known.has(e.field)).toBe(true);
        for (const key of [
          'description',
          'email',
          'phone',
          'firstName',
          'addressString',
          'mediaUrl',
        ] as const) {
          const value = request[key];
          if (value !== null) expect(value).toBe(value.trim());
          if (value !== null) expect(value).not.toBe('');
        }
        if (request.email !== null) expect(request.email).toBe(request.email.toLowerCase());
      }),
    );
  });

  it('accepts a point exactly when it is on Earth', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (lat, lon) => {
        const errors = fields({ lat, lon, attributes: { size: 'small' } });
        expect(errors.includes('lat')).toBe(!(Math.abs(lat) <= 90));
        expect(errors.includes('lon')).toBe(!(Math.abs(lon) <= 180));
      }),
    );
  });

  it('refuses a free-text field exactly when it is longer than its limit', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), fc.nat({ max: 700 }), (first, address) => {
        const errors = fields({
          attributes: { size: 'small' },
          firstName: 'a'.repeat(first),
          addressString: 'b'.repeat(address),
        });
        expect(errors.includes('first_name')).toBe(first > 100);
        expect(errors.includes('address_string')).toBe(address > 500);
      }),
    );
  });
});

describe('how the person is told of progress', () => {
  const definition = definitionOf('pothole');
  const base = { service: 'pothole', lat: 52.2, lon: -2.2, attributes: { size: 'medium' } };
  it.each([
    [{ email: 'a@example.com', phone: '07700 900123' }, 'email'],
    [{ phone: '07700 900123' }, 'sms'],
    [{ email: 'a@example.com', phone: '07700 900123', contactBy: 'sms' as const }, 'sms'],
    [{ email: 'a@example.com' }, 'email'],
  ])('%o is told by %s', (contact, channel) => {
    const { errors, request } = checkSubmission(pothole, definition, { ...base, ...contact }, null);
    expect(errors).toEqual([]);
    expect(request.contactBy).toBe(channel);
  });

  it('refuses a channel without its address or number', () => {
    expect(
      checkSubmission(pothole, definition, { ...base, email: 'a@example.com', contactBy: 'sms' }, null)
        .errors,
    ).toEqual([{ field: 'phone', message: 'Enter a mobile number to get texts' }]);
    expect(
      checkSubmission(pothole, definition, { ...base, phone: '07700 900123', contactBy: 'email' }, null)
        .errors,
    ).toEqual([{ field: 'email', message: 'Enter an email address to get emails' }]);
  });
});
