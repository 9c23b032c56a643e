import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formalNamesOf } from './nicknames.ts';
import {
  isValidNhsNumber,
  type LinkageRecord,
  type NormalisationIssue,
  normaliseAddress,
  normaliseDate,
  normaliseFamilyName,
  normaliseGivenName,
  normaliseNhsNumber,
  normalisePhone,
  normalisePostcode,
  normaliseRecord,
  plainText,
} from './normalise.ts';

describe('names', () => {
  it.each([
    ['  JOSÉ ', 'jose'],
    ['Zoë', 'zoe'],
    ['Mr John', 'john'],
    ['Mary-Jane', 'mary jane'],
    ['Dr. Siân', 'sian'],
    ['unknown', ''],
    ['', ''],
  ])('given name %j becomes %j', (raw, expected) => {
    expect(normaliseGivenName(raw)).toBe(expected);
  });

  it.each([
    ["O'Brien", 'obrien'],
    ['O Brien', 'obrien'],
    ['Smith-Jones', 'smithjones'],
    ['Müller', 'muller'],
    ['Ødegård', 'odegard'],
    ['STRAẞE', 'strasse'],
  ])('family name %j becomes %j', (raw, expected) => {
    expect(normaliseFamilyName(raw)).toBe(expected);
  });

  it.each([
    ['bill', 'william'],
    ['billy', 'william'],
    ['peggy', 'margaret'],
    ['bob', 'robert'],
    ['liz', 'elizabeth'],
    ['jack', 'john'],
  ])('knows %s as a short form of %s', (nickname, formal) => {
    expect(formalNamesOf(nickname)).toContain(formal);
  });

  it('knows that one nickname may stand for several names', () => {
    expect(formalNamesOf('alex')).toEqual(expect.arrayContaining(['alexander', 'alexandra']));
    expect(formalNamesOf('zebedee')).toEqual(['zebedee']);
  });
});

describe('dates of birth', () => {
  it.each([
    ['1980-02-01', '1980-02-01'],
    ['19800201', '1980-02-01'],
    ['01/02/1980', '1980-02-01'],
    ['1.2.1980', '1980-02-01'],
    ['1st Feb 1980', '1980-02-01'],
    ['1980/2/1', '1980-02-01'],
    ['2000-02-29', '2000-02-29'],
  ])('reads %j as %j', (raw, expected) => {
    expect(normaliseDate(raw)).toEqual({ date: expected });
  });

  it('puts back a day and month written the American way, and says so', () => {
    expect(normaliseDate('02/13/1980')).toEqual({
      date: '1980-02-13',
      problem: 'day and month were the wrong way round',
    });
  });

  it.each(['1900-02-29', '31/04/1990', '1980-13-13', 'yesterday', '12/12/80'])(
    'treats %j as missing',
    (raw) => {
      const parsed = normaliseDate(raw);
      expect(parsed.date).toBe('');
      expect(parsed.problem).toMatch(/^not (a real date|a date in a known layout)$/);
    },
  );
});

describe('postcodes', () => {
  it.each([
    ['sw1a1aa', 'SW1A 1AA'],
    [' SW1A  1AA ', 'SW1A 1AA'],
    ['ls1 4ap', 'LS1 4AP'],
    ['M1 1AE', 'M1 1AE'],
    ['B33 8TH', 'B33 8TH'],
    ['LS1 OAP', 'LS1 0AP'],
  ])('writes %j as %j', (raw, expected) => {
    expect(normalisePostcode(raw)).toEqual({ postcode: expected });
  });

  it('keeps a postcode that is not a UK one, compacted, and reports it', () => {
    expect(normalisePostcode('2602')).toEqual({ postcode: '2602', problem: 'not a UK postcode' });
  });
});

describe('phone numbers', () => {
  it.each([
    ['+44 7700 900123', '07700900123'],
    ['0044 (0)7700 900123', '07700900123'],
    ['07700-900-123', '07700900123'],
    ['(0113) 496 0000', '01134960000'],
  ])('writes %j as %j', (raw, expected) => {
    expect(normalisePhone(raw)).toEqual({ phone: expected });
  });

  it('refuses a placeholder', () => {
    expect(normalisePhone('0000000000')).toEqual({ phone: '', problem: 'not a phone number' });
  });
});

describe('NHS numbers', () => {
  it.each(['9434765919', '9434765870', '4010232137'])('accepts %s, whose check digit is right', (nhs) => {
    expect(isValidNhsNumber(nhs)).toBe(true);
  });

  it.each(['9434765918', '9434765911', '1234567890', '0000000000', '12345', 'abcdefghij'])(
    'refuses %s',
    (nhs) => {
      expect(isValidNhsNumber(nhs)).toBe(false);
    },
  );

  it('reads spaced numbers and treats an invalid one as missing, reporting it', () => {
    expect(normaliseNhsNumber('943 476 5919')).toEqual({ nhsNumber: '9434765919' });
    expect(normaliseNhsNumber('943 476 5918')).toEqual({
      nhsNumber: '',
      problem: 'not a valid NHS number (check digit)',
    });
  });

  it('finds every single-digit change of a valid number invalid', () => {
    const valid = '9434765919';
    for (let i = 0; i < 10; i++) {
      for (let d = 0; d < 10; d++) {
        const changed = valid.slice(0, i) + d + valid.slice(i + 1);
        if (changed !== valid) expect(isValidNhsNumber(changed)).toBe(false);
      }
    }
  });
});

describe('whole records', () => {
  it('collects what could not be used, by record and field', () => {
    const issues: NormalisationIssue[] = [];
    const record: LinkageRecord = {
      id: 'r1',
      source: 'org-a',
      firstName: 'Bill',
      dateOfBirth: '31/02/1980',
      nhsNumber: '9434765918',
      addressLine: '12, High Street',
    };
    const normalised = normaliseRecord(record, issues);
    expect(normalised).toMatchObject({
      firstName: 'bill',
      dateOfBirth: '',
      nhsNumber: '',
      addressLine: '12 high st',
    });
    expect(issues.map((issue) => issue.field)).toEqual(['dateOfBirth', 'nhsNumber']);
    expect(issues.every((issue) => issue.recordId === 'r1')).toBe(true);
  });

  it('abbreviates street words the same way everywhere', () => {
    expect(normaliseAddress('12 High Street')).toBe(normaliseAddress('12 high st.'));
    expect(normaliseAddress('Flat 3, 4 Mill Road')).toBe('flat 3 4 mill rd');
  });

  it('is idempotent: normalising normalised values changes nothing', () => {
    const text = fc.string({ unit: fc.constantFrom(..."aAbBéÉ çñ-'.,0 12ßøXyZ".split('')), maxLength: 20 });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        fc.constantFrom('1980-02-01', '02/13/1980', 'junk'),
        (first, last, address, postcode, dob) => {
          const once = normaliseRecord({
            id: 'x',
            source: 's',
            firstName: first,
            lastName: last,
            addressLine: address,
            postcode,
            dateOfBirth: dob,
          });
          const twice = normaliseRecord({ id: 'x', source: 's', ...once });
          expect(twice).toEqual(once);
        },
      ),
    );
  });

  it('plain text holds only a-z, 0-9 and single spaces', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(plainText(value)).toMatch(/^(?:[a-z0-9]+(?: [a-z0-9]+)*)?$/);
      }),
    );
  });
});
