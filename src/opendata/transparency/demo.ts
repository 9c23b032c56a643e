// The demo place's finance: a year of plausible spending and a list of contracts for each
// council, written as their finance systems would export them and loaded through the same import
// as a real file. Some payments are to people (sole traders, foster carers, personal budgets):
// those are published without a name.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { importFile } from './import.ts';

const councils = ['fellshire-cc', 'ashby-vale-dc', 'northmoor-dc', 'castlebridge-council'];

const payees: [string, string, string, string, string, number][] = [
  // beneficiary, type, registration, department, purpose, typical amount
  ['Fellshire Highways Ltd', 'company', '08812345', 'Highways', 'Carriageway resurfacing', 42_000],
  [
    'Kerbside Recycling plc',
    'company',
    '04455667',
    'Waste and recycling',
    'Recycling collection contract',
    61_000,
  ],
  ['Brightway Lighting Ltd', 'company', '09988776', 'Highways', 'Street lighting maintenance', 8_500],
  [
    'Northmoor Community Transport',
    'charity',
    '1123456',
    'Adult social care',
    'Community transport grant',
    4_200,
  ],
  ['Fellside Advice Network', 'charity', '1098765', 'Communities', 'Advice services grant', 12_500],
  [
    'Castlebridge Office Supplies Ltd',
    'company',
    '07766554',
    'Corporate services',
    'Stationery and printing',
    900,
  ],
  ['Dalesoft Ltd', 'company', '10293847', 'Digital services', 'Software licences', 15_000],
  [
    'Fellshire NHS Trust',
    'public_body',
    '',
    'Adult social care',
    'Joint funding of discharge to assess',
    30_000,
  ],
  ['J. Hartley (sole trader)', 'sole_trader', '', 'Parks', 'Grounds maintenance', 1_800],
  ['A foster carer', 'individual', '', "Children's services", 'Foster care allowance', 1_400],
  [
    'A personal budget holder',
    'individual',
    '',
    'Adult social care',
    'Direct payment: personal budget',
    1_100,
  ],
  ['Moorland Fuel Cards Ltd', 'company', '06655443', 'Fleet', 'Vehicle fuel', 2_600],
];

const contracts: [string, string, string, string, string, string, boolean, string, number, number][] = [
  // title, description, department, supplier, type, registration, sme, method, value, months
  [
    'Highway resurfacing programme',
    'Resurfacing of A and B roads',
    'Highways',
    'Fellshire Highways Ltd',
    'company',
    '08812345',
    false,
    'open',
    1_250_000,
    36,
  ],
  [
    'Kerbside recycling collection',
    'Weekly recycling collections',
    'Waste and recycling',
    'Kerbside Recycling plc',
    'company',
    '04455667',
    false,
    'open',
    2_400_000,
    60,
  ],
  [
    'Street lighting maintenance',
    'Repairs to street lights',
    'Highways',
    'Brightway Lighting Ltd',
    'company',
    '09988776',
    true,
    'selective',
    180_000,
    24,
  ],
  [
    'Advice services',
    'Debt and benefits advice',
    'Communities',
    'Fellside Advice Network',
    'charity',
    '1098765',
    true,
    'limited',
    150_000,
    36,
  ],
  [
    'Case management software',
    'Licences and support',
    'Digital services',
    'Dalesoft Ltd',
    'company',
    '10293847',
    true,
    'open',
    90_000,
    36,
  ],
  [
    'Grounds maintenance (north parks)',
    'Grass cutting and hedges',
    'Parks',
    'J. Hartley (sole trader)',
    'sole_trader',
    '',
    true,
    'direct',
    12_000,
    12,
  ],
];

/** A small, seeded random source, so every demo is the same. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

function spendingFile(council: string, now: Date, random: () => number): string {
  const lines: string[][] = [];
  for (let day = 365; day > 0; day -= 3) {
    const payee = payees[Math.floor(random() * payees.length)] as (typeof payees)[number];
    const [beneficiary, type, registration, department, purpose, typical] = payee;
    const amount = (typical * (0.5 + random())).toFixed(2);
    const n = lines.length + 1;
    lines.push([
      iso(new Date(now.getTime() - day * 86_400_000)),
      department,
      beneficiary,
      type,
      registration,
      purpose,
      '',
      amount,
      '',
      `${council.slice(0, 3).toUpperCase()}-${String(n).padStart(6, '0')}`,
    ]);
  }
  const header = [
    'date',
    'department',
    'beneficiary',
    'beneficiary_type',
    'beneficiary_registration',
    'purpose',
    'merchant_category',
    'amount',
    'irrecoverable_vat',
    'transaction_number',
  ];
  return stringify([header, ...lines]);
}

function contractsFile(council: string, now: Date, random: () => number): string {
  const header = [
    'reference',
    'title',
    'description',
    'department',
    'supplier',
    'supplier_type',
    'supplier_registration',
    'sme_or_vcse',
    'procurement_method',
    'start_date',
    'end_date',
    'review_date',
    'value',
    'irrecoverable_vat',
  ];
  const rows = contracts.map(
    ([title, description, department, supplier, type, registration, sme, method, value, months], i) => {
      const start = new Date(now.getTime() - Math.floor(random() * 700) * 86_400_000);
      const end = new Date(start.getTime() + months * 30 * 86_400_000);
      const review = new Date(end.getTime() - 90 * 86_400_000);
      const worth = Math.round(value * (0.6 + random() * 0.8));
      return [
        `${council.slice(0, 3).toUpperCase()}-C${String(i + 1).padStart(3, '0')}`,
        title,
        description,
        department,
        supplier,
        type,
        registration,
        sme ? 'yes' : 'no',
        method,
        iso(start),
        iso(end),
        iso(review),
        String(worth),
        '',
      ];
    },
  );
  return stringify([header, ...rows]);
}

/** Loads each council's year of spending and its contracts through the import. */
export async function loadTransparencyDemo(db: Db, places: PlacesService, now: Date) {
  const random = seeded(500);
  for (const council of councils) {
    for (const [kind, text] of [
      ['spending', spendingFile(council, now, random)],
      ['contracts', contractsFile(council, now, random)],
    ] as const) {
      const report = await importFile(db, places, {
        kind,
        organisation: council,
        csv: Readable.from([text]),
      });
      if (report.problems.length > 0)
        throw new Error(`The demo ${kind} of ${council} did not load: ${JSON.stringify(report.problems[0])}`);
    }
  }
}
