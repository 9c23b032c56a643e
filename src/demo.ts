// The demo place: loads Fellshire (organisations, areas, services), its demo accounts, each
// with a fresh random password that is shown once, and a little governed personal data: a
// few people's records in several organisations, one active data-sharing agreement, and two
// organisations' overlapping registers (data/demo) for record linkage to link.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Services } from './compose.ts';
import { loadOpenDataDemo } from './opendata/index.ts';
import { loadDemoOutcomes } from './outcomes/index.ts';
import { loadDemoRoutemap } from './outcomes/routemap/index.ts';
import { demoGazetteer, demoPlace } from './places/index.ts';
import { type Actor, Conflict } from './platform/index.ts';
import { parseColumnMapping } from './registers/index.ts';
import { loadDemoCases, loadDemoOutbound } from './requests/index.ts';

export interface DemoCredential {
  email: string;
  name: string;
  kind: 'citizen' | 'staff';
  roles: string;
  password: string;
}

export async function hasPlace(services: Services): Promise<boolean> {
  return (await services.places.organisations()).length > 0;
}

const demoRecords = [
  {
    organisation: 'castlebridge-council',
    localRef: 'ASC-10442',
    givenNames: 'Amina',
    familyName: 'Khan',
    dateOfBirth: '1958-06-14',
    addressLine: '12 Tanner Row',
    town: 'Castlebridge',
    postcode: 'CB4 7QD',
    email: 'amina.khan@example.com',
    marking: 'OFFICIAL-SENSITIVE',
    handling: 'PERSONAL',
  },
  {
    organisation: 'fellshire-nhs',
    localRef: 'PT-778120',
    givenNames: 'Amina',
    familyName: 'Khan',
    dateOfBirth: '1958-06-14',
    postcode: 'CB4 7QD',
    nhsNumber: '9434765919',
    email: 'amina.khan@example.com',
    marking: 'OFFICIAL-SENSITIVE',
    handling: 'PERSONAL',
  },
  {
    organisation: 'fellshire-fire',
    localRef: 'HFSV-2291',
    givenNames: 'Amina',
    familyName: 'Khan',
    addressLine: '12 Tanner Row',
    town: 'Castlebridge',
    postcode: 'CB4 7QD',
    email: 'amina.khan@example.com',
    marking: 'OFFICIAL',
  },
  {
    organisation: 'ashby-vale-dc',
    localRef: 'CT-558812',
    givenNames: 'Tom',
    familyName: 'Price',
    dateOfBirth: '1990-11-02',
    addressLine: '4 Mill Lane',
    town: 'Ashby Vale',
    postcode: 'AV2 3LP',
    email: 'tom.price@example.com',
    marking: 'OFFICIAL',
  },
  {
    organisation: 'fellshire-police',
    localRef: 'NOM-30077',
    givenNames: 'Thomas',
    familyName: 'Price',
    dateOfBirth: '1990-11-02',
    postcode: 'AV2 3LP',
    email: 'tom.price@example.com',
    marking: 'OFFICIAL-SENSITIVE',
    handling: 'LOCSEN',
  },
  {
    organisation: 'fellshire-cc',
    localRef: 'ASC-88310',
    givenNames: 'Margaret',
    familyName: 'Oduya',
    dateOfBirth: '1941-02-27',
    addressLine: '3 Chapel Close',
    town: 'Northmoor',
    postcode: 'NM1 4RT',
    marking: 'OFFICIAL-SENSITIVE',
    handling: 'PERSONAL',
  },
  {
    organisation: 'fellshire-fire',
    localRef: 'HFSV-2310',
    givenNames: 'Peggy',
    familyName: 'Oduya',
    addressLine: '3 Chapel Close',
    town: 'Northmoor',
    postcode: 'NM1 4RT',
    marking: 'OFFICIAL',
  },
];

// Teams that cases are assigned to, each with the mailbox it is told through.
const demoTeams = [
  ['fellshire-cc', 'Highways', 'highways@fellshire-cc.example.org'],
  ['fellshire-cc', 'Adult social care', 'adult.social.care@fellshire-cc.example.org'],
  ['ashby-vale-dc', 'Waste and recycling', 'waste@ashby-vale-dc.example.org'],
  ['northmoor-dc', 'Waste and recycling', 'waste@northmoor-dc.example.org'],
  ['castlebridge-council', 'Highways', 'highways@castlebridge-council.example.org'],
  ['castlebridge-council', 'Adult social care', 'adult.social.care@castlebridge-council.example.org'],
  ['fellshire-fire', 'Prevention', 'prevention@fellshire-fire.example.org'],
] as const;

/**
 * Two organisations' records of many of the same people, as their own systems export them: the
 * county council's adult social care clients and the NHS trust's community patients (its own
 * column names, mapped on import). Spelt a little differently, nicknames, a day and month
 * swapped, a moved address, a missing date of birth, and a father and son at one address.
 */
export const demoRegisters = [
  { organisation: 'fellshire-cc', file: 'fellshire-cc-adult-social-care.csv' },
  {
    organisation: 'fellshire-nhs',
    file: 'fellshire-nhs-community-patients.csv',
    marking: 'OFFICIAL-SENSITIVE',
    columns:
      'local_ref=PatientID,given_names=Forename,family_name=Surname,date_of_birth=DOB,address_line=Address1,nhs_number=NHSNumber,phone=Mobile',
  },
].map((r) => ({ ...r, path: path.resolve(import.meta.dirname, '../data/demo', r.file) }));

async function loadDemoRegisters(services: Services): Promise<void> {
  for (const register of demoRegisters) {
    await services.importing.importPeople({
      organisation: register.organisation,
      csv: createReadStream(register.path),
      mapping: parseColumnMapping(register.columns),
      marking: register.marking,
    });
  }
}

async function loadGovernedData(services: Services): Promise<void> {
  const actor = async (email: string) => {
    const found = await services.identity.actorByEmail(email);
    if (!found) throw new Error(`The demo has no account ${email}`);
    return found;
  };
  const staff = demoPlace.accounts.filter((a) => a.kind === 'staff');
  const senior = (organisation: string, role?: string) => {
    const account = staff.find((a) =>
      a.roles.some((r) => r.organisation === organisation && (role ? r.role === role : r.role !== 'staff')),
    );
    if (!account) throw new Error(`The demo has no ${role ?? 'manager'} at ${organisation}`);
    return actor(account.email);
  };

  const grants: { accountId: string; level: 1 | 2 }[] = [];
  for (const account of staff) {
    const level = account.roles.some((r) => r.role !== 'staff') ? 2 : 1;
    grants.push({ accountId: (await actor(account.email)).accountId, level: level as 1 | 2 });
  }
  await services.database.db.transaction().execute((trx) => services.governance.grantClearances(trx, grants));

  for (const record of demoRecords) await services.records.create(await senior(record.organisation), record);

  const day = 86_400_000;
  const iso = (offset: number) => new Date(Date.now() + offset * day).toISOString().slice(0, 10);
  const agreement = await services.agreements.create(await senior('fellshire-fire', 'ig_officer'), {
    title: 'Fellshire and Castlebridge safeguarding adults',
    parties: ['fellshire-fire', 'castlebridge-council', 'fellshire-cc', 'fellshire-nhs'],
    datasets: ['person-records', 'cases'],
    purposes: ['safeguarding', 'direct_care'],
    lawfulBasis: 'public_task',
    specialCategoryBasis: 'health_social_care',
    highestMarking: 'OFFICIAL-SENSITIVE',
    startsOn: iso(-30),
    endsOn: iso(335),
  });
  for (const party of agreement.parties) {
    await services.agreements.sign(
      await senior(party.organisation, 'ig_officer'),
      agreement.id,
      party.organisation,
    );
  }
}

/**
 * Loads the demo place into an empty database. `live` adds a year of requests (open, overdue and
 * closed cases, messages, a referral waiting) so that every page has something to show on a first
 * start; the tests' template leaves them out, each test making the cases it needs.
 */
export async function loadDemo(services: Services, { live = false } = {}): Promise<DemoCredential[]> {
  if (await hasPlace(services))
    throw new Conflict('This database already has a place; the demo is only loaded into an empty one');
  await services.places.load(demoPlace);
  const ids = await services.places.organisationIds(demoPlace.organisations.map((o) => o.ref));
  const credentials: DemoCredential[] = demoPlace.accounts.map((account) => ({
    email: account.email,
    name: account.name,
    kind: account.kind,
    roles: account.roles.map((r) => `${r.role} at ${r.organisation}`).join(', '),
    password: randomBytes(9).toString('base64url'),
  }));
  await services.database.db.transaction().execute(async (trx) => {
    for (const [i, account] of demoPlace.accounts.entries()) {
      await services.identity.createAccount(
        {
          ...account,
          password: credentials[i]?.password as string,
          roles: account.roles.map((r) => ({
            organisationId: ids.get(r.organisation) as string,
            role: r.role,
          })),
        },
        trx,
      );
    }
  });
  await loadGovernedData(services);
  await loadDemoRegisters(services);
  for (const [organisation, name, email] of demoTeams)
    await services.inbox.addTeam(organisation, name, email);
  if (live) {
    await services.properties.importProperties(Readable.from([demoGazetteer()]));
    const actor = async (email: string) => (await services.identity.actorByEmail(email)) as Actor;
    await loadDemoCases({
      db: services.database.db,
      requests: services.requests,
      now: new Date(),
      citizen: await actor('amina.khan@example.com'),
      referrer: await actor('yasmin.ali@fellshire-fire.example.org'),
      receiver: await actor('grace.okafor@fellshire-cc.example.org'),
      taker: await actor('grace.okafor@fellshire-cc.example.org'),
    });
    // The KPIs first, so the assessments submitted keep their trends beside the scores.
    await loadDemoOutcomes(services.outcomes, actor);
    await loadDemoRoutemap(services.routemap, actor, new Date());
    await loadDemoOutbound(services, actor);
  }
  // A signed tree head first, so the dataset of the ledger's heads has one on a first start.
  if (live) await services.governance.ledger.checkpoint();
  await loadOpenDataDemo(services.openData, { publish: live });
  return credentials;
}

export function formatCredentials(credentials: DemoCredential[]): string {
  const width = Math.max(...credentials.map((c) => c.email.length));
  const lines = credentials.map(
    (c) => `  ${c.email.padEnd(width)}  ${c.password}  ${c.kind === 'citizen' ? 'citizen' : c.roles}`,
  );
  return ['The demo place is loaded. These sign-in details are shown once only: keep them.', ...lines].join(
    '\n',
  );
}
