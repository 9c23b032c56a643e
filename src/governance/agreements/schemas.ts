import { Type } from 'typebox';

const Ref = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });

export const NewAgreement = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    parties: Type.Array(Ref, {
      minItems: 1,
      maxItems: 20,
      description: 'Organisations (refs) party to the agreement',
    }),
    datasets: Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, maxItems: 10 }),
    purposes: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 }),
    lawfulBasis: Type.String({ maxLength: 50, description: 'UK GDPR Article 6 basis' }),
    specialCategoryBasis: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
    highestMarking: Type.String({ maxLength: 30, description: 'OFFICIAL or OFFICIAL-SENSITIVE' }),
    startsOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
    endsOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  },
  { additionalProperties: false },
);

export const Agreement = Type.Object({
  id: Type.String(),
  title: Type.String(),
  datasets: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  lawfulBasis: Type.String(),
  specialCategoryBasis: Type.Union([Type.String(), Type.Null()]),
  highestMarking: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  state: Type.String({ description: 'draft, active, not yet in force, expired or revoked' }),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
  parties: Type.Array(
    Type.Object({
      organisation: Type.String(),
      name: Type.String(),
      signed: Type.Boolean(),
      signedAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
