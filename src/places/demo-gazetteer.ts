// Pure: the demo place's gazetteer, a few thousand invented addresses with UPRNs and postcodes in
// the towns of Fellshire's three areas, as the CSV file the registers' gazetteer import reads.
// Seeded, so every demo has the same addresses; the demo people's own addresses are among them.
import { demoPlace } from './demo-place.ts';
import { routingTable } from './routing/index.ts';

interface Town {
  name: string;
  area: string;
  centre: [number, number];
  district: string;
  /** Streets whose every house has this postcode: the demo's records and examples live there. */
  known?: [string, string][];
}

const towns: Town[] = [
  {
    name: 'Ashby',
    area: 'ashby-vale',
    centre: [-2.2, 52.22],
    district: 'AV2',
    known: [
      ['Mill Lane', 'AV2 3LP'],
      ['Harrow Road', 'AV2 4HT'],
    ],
  },
  { name: 'Kelsey Bridge', area: 'ashby-vale', centre: [-2.02, 52.2], district: 'AV3' },
  { name: 'Orton Hill', area: 'ashby-vale', centre: [-2.36, 52.22], district: 'AV5' },
  {
    name: 'Northmoor',
    area: 'northmoor',
    centre: [-2.2, 52.43],
    district: 'NM1',
    known: [['Chapel Close', 'NM1 4RT']],
  },
  { name: 'Haverley', area: 'northmoor', centre: [-2.02, 52.42], district: 'NM2' },
  { name: 'Fenwick', area: 'northmoor', centre: [-2.38, 52.45], district: 'NM3' },
  {
    name: 'Castlebridge',
    area: 'castlebridge',
    centre: [-1.68, 52.3],
    district: 'CB4',
    known: [['Tanner Row', 'CB4 7QD']],
  },
  { name: 'Castlebridge', area: 'castlebridge', centre: [-1.7, 52.35], district: 'CB1' },
  { name: 'Stourholme', area: 'castlebridge', centre: [-1.64, 52.22], district: 'CB6' },
];

const streetNames = (
  'Station Road,High Street,Church Lane,School Lane,Orchard Way,Meadow Close,Victoria Road,' +
  'Park Avenue,Kings Road,Queens Walk,Bridge Street,Market Place,Westgate,Eastfield Road,' +
  'Willow Drive,Beech Grove,Oak Crescent,Elm Tree Road,Brook Street,Mill Race,Chestnut Avenue,' +
  'Hawthorn Way,Rowan Close,Larch Lane,Sandy Lane,Green Lane,Quarry Road,Fellside View,' +
  'Moor Lane,Cross Street,North Street,South Parade,Abbey Road,Castle Hill,Priory Walk,' +
  'Coronation Street,Jubilee Close,Furnace Lane,Weavers Court,Tannery Yard'
).split(',');

// Letters used at the end of postcodes (C, I, K, M, O and V are not).
const UNIT = 'ABDEFGHJLNPQRSTUWXYZ';
const STREETS_PER_TOWN = 14;
const FIRST_UPRN = 10_090_000_001;

/** A small seeded generator (mulberry32): the same numbers every time. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoAddress {
  uprn: number;
  address: string;
  town: string;
  postcode: string;
  latitude: number;
  longitude: number;
}

/** Every address of the demo gazetteer, each inside its town's area. */
export function demoAddresses(): DemoAddress[] {
  const random = seeded(20261207);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const used = new Set<string>();
  const newPostcode = (district: string) => {
    for (;;) {
      const code = `${district} ${1 + Math.floor(random() * 9)}${pick([...UNIT])}${pick([...UNIT])}`;
      if (!used.has(code)) {
        used.add(code);
        return code;
      }
    }
  };
  for (const town of towns) for (const [, code] of town.known ?? []) used.add(code);
  const addresses: DemoAddress[] = [];
  const table = routingTable(
    demoPlace.areas.map((a) => ({ ref: a.ref, name: a.name, geometry: a.boundary, coverage: a.coverage })),
  );
  for (const town of towns) {
    const names = [...streetNames].sort(() => random() - 0.5);
    const streets = [
      ...(town.known ?? []),
      ...names.slice(0, STREETS_PER_TOWN).map((n): [string, string | null] => [n, null]),
    ].filter(([name], i, all) => all.findIndex(([other]) => other === name) === i);
    for (const [street, fixed] of streets) {
      const houses = 12 + Math.floor(random() * 40);
      const angle = random() * Math.PI;
      const [x0, y0] = [town.centre[0] + (random() - 0.5) * 0.05, town.centre[1] + (random() - 0.5) * 0.03];
      let postcode = fixed ?? newPostcode(town.district);
      for (let n = 1; n <= houses; n++) {
        if (!fixed && n % 14 === 0) postcode = newPostcode(town.district);
        // Odd numbers on one side of the street, even on the other, about 15 metres apart.
        const along = Math.floor((n - 1) / 2) * 0.00022;
        const side = n % 2 === 0 ? 0.00012 : -0.00012;
        const longitude = x0 + Math.cos(angle) * along - Math.sin(angle) * side * 1.6;
        const latitude = y0 + Math.sin(angle) * along * 0.62 + Math.cos(angle) * side;
        const { inside } = table.locate(longitude, latitude);
        if (inside.length !== 1 || inside[0]?.ref !== town.area) continue;
        addresses.push({
          uprn: FIRST_UPRN + addresses.length,
          address: `${n} ${street}`,
          town: town.name,
          postcode,
          latitude: Number(latitude.toFixed(6)),
          longitude: Number(longitude.toFixed(6)),
        });
      }
    }
  }
  return addresses;
}

/** The demo gazetteer as a CSV file of the columns the gazetteer import reads. */
export function demoGazetteer(): string {
  const rows = demoAddresses().map((a) =>
    [a.uprn, a.address, a.town, a.postcode, a.latitude, a.longitude].join(','),
  );
  return ['uprn,address,town,postcode,latitude,longitude', ...rows].join('\n');
}
