// Schemas of the API for golden people, bulk submission and matching: one schema validates,
// types the handler and documents the API.
import { Type } from 'typebox';
import { PersonRecordSchema } from '../records/index.ts';

const Text = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

export const SubmittedRecord = Type.Object(
  {
    localRef: Type.String({ minLength: 1, maxLength: 100, description: "The organisation's own reference" }),
    givenNames: Type.String({ maxLength: 200 }),
    familyName: Type.String({ maxLength: 200 }),
    dateOfBirth: Text(10),
    addressLine: Text(300),
    town: Text(100),
    postcode: Text(10),
    uprn: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.String({ maxLength: 20 }), Type.Null()]),
    ),
    nhsNumber: Text(12),
    phone: Text(30),
    email: Text(254),
    marking: Type.String({ maxLength: 30, description: 'OFFICIAL or OFFICIAL-SENSITIVE' }),
    handling: Text(20),
  },
  { additionalProperties: false },
);

export const BulkSubmission = Type.Object(
  {
    organisation: Type.String({ maxLength: 63, description: 'The holding organisation (ref)' }),
    records: Type.Array(SubmittedRecord, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

const RowProblem = Type.Object({
  row: Type.Integer({ description: 'The index of the record in the submission (from 0)' }),
  field: Type.String(),
  reason: Type.String(),
});

export const BulkReport = Type.Object({
  rows: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Array(RowProblem, { description: 'Records not stored, and why' }),
  dropped: Type.Array(RowProblem, { description: 'Values not stored (invalid NHS numbers, UPRNs)' }),
});

const Purpose = Type.Optional(
  Type.String({ maxLength: 50, description: 'Why you ask: needed to see other organisations’ records' }),
);

export const MatchQuery = Type.Object(
  {
    givenNames: Type.Optional(Type.String({ maxLength: 200 })),
    familyName: Type.Optional(Type.String({ maxLength: 200 })),
    dateOfBirth: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
    addressLine: Type.Optional(Type.String({ maxLength: 300 })),
    postcode: Type.Optional(Type.String({ maxLength: 10 })),
    nhsNumber: Type.Optional(Type.String({ maxLength: 12 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    purpose: Purpose,
  },
  { additionalProperties: false },
);

const Step = Type.Object({
  comparison: Type.String(),
  level: Type.String(),
  valueA: Type.String(),
  valueB: Type.String(),
  weight: Type.Number({ description: 'log2(m/u): bits of evidence for (positive) or against' }),
  termFrequencyAdjustment: Type.Number(),
});

export const Explanation = Type.Object(
  {
    prior: Type.Number(),
    steps: Type.Array(Step),
    total: Type.Number(),
    probability: Type.Number(),
  },
  { description: 'The waterfall: where the score starts and what each comparison added' },
);

export const PersonId = Type.Object({ id: Type.String({ maxLength: 36 }) });
export const PurposeQuery = Type.Object({ purpose: Purpose });

const Reason = Type.String({
  maxLength: 2000,
  description: 'Why: kept with the decision and in the audit ledger',
});

export const SplitRequest = Type.Object(
  {
    record: Type.String({ maxLength: 36, description: 'The record to split out' }),
    reason: Reason,
    purpose: Purpose,
  },
  { additionalProperties: false },
);

export const MergeRequest = Type.Object(
  {
    other: Type.String({ maxLength: 36, description: 'The person to merge into this one' }),
    reason: Reason,
    purpose: Purpose,
  },
  { additionalProperties: false },
);

const Side = Type.Object({
  id: Type.String(),
  visible: Type.Boolean({ description: 'You may see the record' }),
  ofThisPerson: Type.Boolean({
    description: 'The record is this person’s (a rejected pair may lead elsewhere)',
  }),
  organisationName: Type.String(),
  localRef: Type.Union([Type.String(), Type.Null()], { description: 'Only when you may see the record' }),
});

export const GoldenPerson = Type.Object({
  id: Type.String(),
  mergedInto: Type.Union([Type.String(), Type.Null()], {
    description: 'Set when this person was merged into another',
  }),
  records: Type.Array(PersonRecordSchema),
  withheld: Type.Integer({ description: 'Records of this person you may not see: counted, not shown' }),
  links: Type.Array(
    Type.Object({
      a: Side,
      b: Side,
      weight: Type.Union([
        Type.Number({ description: 'Match weight in bits (null: decided, not yet scored)' }),
        Type.Null(),
      ]),
      probability: Type.Union([Type.Number(), Type.Null()]),
      status: Type.Union(
        [
          Type.Literal('automatic'),
          Type.Literal('review'),
          Type.Literal('not_sure'),
          Type.Literal('confirmed'),
          Type.Literal('rejected'),
        ],
        {
          description:
            'How decided: automatic, waiting for review, not sure, confirmed or rejected by a person',
        },
      ),
      decidedBy: Type.Union([Type.String(), Type.Null()]),
      decidedAt: Type.Union([Type.String(), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  history: Type.Array(
    Type.Object({
      event: Type.String(),
      at: Type.String(),
      detail: Type.Record(Type.String(), Type.Unknown()),
      decidedBy: Type.Union([Type.String(), Type.Null()], { description: 'null: a linkage run' }),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
