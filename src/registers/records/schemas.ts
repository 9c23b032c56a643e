import { Type } from 'typebox';

const Text = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

const Fields = {
  givenNames: Type.String({ minLength: 1, maxLength: 200 }),
  familyName: Type.String({ minLength: 1, maxLength: 200 }),
  dateOfBirth: Type.Optional(Text(10)),
  addressLine: Type.Optional(Text(300)),
  town: Type.Optional(Text(100)),
  postcode: Type.Optional(Text(10)),
  uprn: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  nhsNumber: Type.Optional(Text(12)),
  phone: Type.Optional(Text(30)),
  email: Type.Optional(Text(254)),
};

export const NewRecord = Type.Object(
  {
    organisation: Type.String({ maxLength: 63, description: 'The holding organisation (ref)' }),
    localRef: Type.String({ minLength: 1, maxLength: 100, description: "The organisation's own reference" }),
    ...Fields,
    marking: Type.String({ maxLength: 30, description: 'OFFICIAL or OFFICIAL-SENSITIVE' }),
    handling: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const RecordChanges = Type.Object(
  {
    givenNames: Type.Optional(Fields.givenNames),
    familyName: Type.Optional(Fields.familyName),
    dateOfBirth: Fields.dateOfBirth,
    addressLine: Fields.addressLine,
    town: Fields.town,
    postcode: Fields.postcode,
    uprn: Fields.uprn,
    nhsNumber: Fields.nhsNumber,
    phone: Fields.phone,
    email: Fields.email,
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version you changed, to refuse lost updates' }),
    ),
  },
  { additionalProperties: false },
);

export const MarkingChange = Type.Object(
  {
    marking: Type.String({ maxLength: 30 }),
    handling: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const PersonRecord = Type.Object({
  id: Type.String(),
  organisation: Type.String(),
  organisationName: Type.String(),
  localRef: Type.String(),
  givenNames: Type.String(),
  familyName: Type.String(),
  dateOfBirth: Text(10),
  addressLine: Text(300),
  town: Text(100),
  postcode: Text(10),
  uprn: Type.Union([Type.Integer(), Type.Null()]),
  nhsNumber: Text(12),
  phone: Text(30),
  email: Text(254),
  marking: Type.String(),
  handling: Text(20),
  version: Type.Integer(),
  updatedAt: Type.String(),
  personId: Type.Union([Type.String(), Type.Null()], {
    description: 'The golden person this record was linked to (null until linkage has run over it)',
  }),
});

export const ReadQuery = Type.Object({
  purpose: Type.Optional(
    Type.String({ maxLength: 50, description: 'Why you read it: needed for another organisation’s record' }),
  ),
  breakGlassReason: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Emergency access: why (flagged for review)' }),
  ),
});

export const SearchQuery = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 100 })),
  dateOfBirth: Type.Optional(Type.String({ maxLength: 10 })),
  postcode: Type.Optional(Type.String({ maxLength: 10 })),
  identifier: Type.Optional(
    Type.String({ maxLength: 100, description: 'NHS number, UPRN or local reference' }),
  ),
  purpose: Type.Optional(Type.String({ maxLength: 50 })),
});
