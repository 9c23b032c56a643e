// Synthetic UK people for testing and benchmarking linkage, with the truth known. Names follow
// a skewed frequency (a few very common surnames, a long tail of rare ones), people live in
// households that share an address and postcode, NHS numbers carry valid check digits, and
// duplicates are made the way real records go wrong: typos, nicknames, first and last name
// swapped, day and month swapped, values missing, moved house. The same seed, the same data.
import { seededRandom } from './estimate.ts';
import { formalNames } from './nicknames.ts';
import type { LinkageRecord } from './normalise.ts';

const COMMON_SURNAMES = `smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson
thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson wood turner martin cooper
hill ward morris moore clark lee king baker harrison morgan allen james scott phillips watson davis parker price
bennett young griffiths mitchell kelly cook carter richardson bailey collins bell shaw murphy miller cox richards
khan marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray mason ali
hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell barker fisher stevens
jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott reynolds
saunders payne fox ford pearce day brooks west lawrence cole atkinson bradley spencer gill dawson ball burton
obrien watts rose booth perry ryan grant wells armstrong francis rees hayes hart hudson newman barrett webster hunter
gregory carr lowe page marsh riley dunn woods parsons berry stone reid holland hawkins harding porter robertson
newton oliver reed kennedy williamson bird gardner shah dean lane cooke bates henderson parry burgess bishop walton
burns nicholson shepherd ross cross long freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson
robson curtis hopkins oconnor harper coleman watkins moss mccarthy chambers oneill griffin sharp hardy wheeler
potter osborne johnston gordon doyle wallace george jordan hutchinson rahman`;

const FEMALE = `olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya florence margaret mary
patricia susan elizabeth sarah emma jennifer catherine helen rebecca victoria charlotte emily jessica hannah
lucy laura amy rachel joanne claire nicola michelle karen julie angela lisa deborah jacqueline joan dorothy
barbara christine janet pamela valerie gillian samantha natalie zoe chloe ellie megan holly sophie abigail
alice poppy evie phoebe ruby daisy harriet matilda beatrice eleanor anne jane alison tracey sharon kelly
amanda louise stephanie kirsty leanne gemma danielle jade aisha fatima maryam zara priya`;

const MALE = `oliver george noah arthur muhammad leo harry oscar archie henry theodore jack charlie jacob thomas
james william alfie david john michael robert richard peter paul mark andrew stephen christopher daniel matthew
anthony kenneth ian gary steven simon neil jason craig martin kevin graham philip alan colin keith brian barry
trevor raymond derek malcolm terence edward frederick albert samuel joseph benjamin joshua ryan luke adam
nathan liam callum connor kieran dylan ethan lewis max alexander isaac lucas finley reuben toby harrison
mohammed ahmed ali imran hamza rajesh sanjay`;

const STREETS = `high church station park victoria mill school chapel green manor queen king new london grange
north south west east albert bridge springfield kingsway alexandra york windsor orchard meadow beech oak elm ash
willow cedar holly maple chestnut hawthorn birch hazel rowan poplar sycamore larch lime cherry rose primrose
lavender heather clover forest woodland riverside brook lake hill valley glebe vicarage rectory market castle
abbey priory mount spring fountain well farm barn mill cross tower bank moor heath field`;

const STREET_KINDS = [
  'Road',
  'Street',
  'Lane',
  'Close',
  'Avenue',
  'Drive',
  'Way',
  'Crescent',
  'Gardens',
  'Place',
];

const TOWNS: [string, string][] = [
  ['Leeds', 'LS'],
  ['Bradford', 'BD'],
  ['Wakefield', 'WF'],
  ['Huddersfield', 'HD'],
  ['Halifax', 'HX'],
  ['Harrogate', 'HG'],
  ['York', 'YO'],
  ['Sheffield', 'S'],
  ['Doncaster', 'DN'],
  ['Hull', 'HU'],
  ['Manchester', 'M'],
  ['Bolton', 'BL'],
  ['Oldham', 'OL'],
  ['Stockport', 'SK'],
  ['Wigan', 'WN'],
  ['Preston', 'PR'],
  ['Blackburn', 'BB'],
  ['Lancaster', 'LA'],
  ['Liverpool', 'L'],
  ['Chester', 'CH'],
  ['Newcastle upon Tyne', 'NE'],
  ['Sunderland', 'SR'],
  ['Durham', 'DH'],
  ['Darlington', 'DL'],
  ['Middlesbrough', 'TS'],
  ['Carlisle', 'CA'],
  ['Lincoln', 'LN'],
  ['Nottingham', 'NG'],
  ['Derby', 'DE'],
  ['Leicester', 'LE'],
];

const words = (text: string) => text.split(/\s+/).filter(Boolean);

export type SyntheticOptions = {
  /** how many records, duplicates included */
  records: number;
  /** share of records that are a further record of someone already in the set (default 0.2) */
  duplicateRate?: number;
  seed?: number;
  /** organisations the records are spread over (default 4) */
  sources?: number;
};

export type SyntheticData = {
  records: LinkageRecord[];
  /** the true person of each record, by position */
  person: Int32Array;
};

type Person = {
  first: string;
  middle: string;
  last: string;
  sex: 'F' | 'M';
  dob: [number, number, number];
  house: number;
  street: string;
  town: number;
  postcode: string;
  nhs: string;
  ni: string;
  phone: string;
  email: string;
};

type Random = () => number;

/** draws from a list where item i has weight 1 / (i + 1)^s (a Zipf law) */
function zipf(items: readonly string[], s: number, random: Random): () => string {
  const cumulative = new Float64Array(items.length);
  let total = 0;
  items.forEach((_, i) => {
    total += 1 / (i + 1) ** s;
    cumulative[i] = total;
  });
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as string;
  };
}

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)] as T;
const digits = (count: number, random: Random) =>
  Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
const letter = (random: Random, from = 'ABCDEFGHJKLMNPRSTUWXYZ') => pick([...from], random);
const capitalise = (name: string) =>
  name.replace(/(^|[ '-])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase());

/** a syllable-built surname for the long tail of rare names */
function rareSurname(random: Random): string {
  const starts =
    words(`ab al ash bar bel bram cal car dal dun el far fen gal gar hal har kel ken lan mar mor nor
    pen ran ros sal tal tre wal wen ack bid bur chad cros dray eg fair fox gold grim hack hol kirk lang mick nut
    pad quil rad shel stan thorn up vick wynd yar`);
  const middles = ['', '', '', 'in', 'er', 'an', 'or', 'el', 'ing', 'ter'];
  const ends =
    words(`by ford ley ton well wood worth ham field more land ridge stead croft dale burn wick hurst
    cott shaw bury den gate holme thwaite side bourne cliffe brook combe low mere ney stow thorpe wade well`);
  return pick(starts, random) + pick(middles, random) + pick(ends, random);
}

export function nhsNumberFor(random: Random): string {
  for (;;) {
    const body = digits(9, random);
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
    let check = 11 - (sum % 11);
    if (check === 11) check = 0;
    if (check !== 10 && !/^(\d)\1+$/.test(body)) return body + check;
  }
}

function typo(value: string, random: Random): string {
  if (value.length < 2) return value;
  const at = Math.floor(random() * value.length);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  switch (Math.floor(random() * 4)) {
    case 0:
      return value.slice(0, at) + pick([...alphabet], random) + value.slice(at + 1);
    case 1:
      return value.slice(0, at) + value.slice(at + 1);
    case 2:
      return value.slice(0, at) + pick([...alphabet], random) + value.slice(at);
    default: {
      const i = Math.min(at, value.length - 2);
      return value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2);
    }
  }
}

const nicknamesOf = (() => {
  const byFormal = new Map<string, string[]>();
  for (const [name, formals] of formalNames) {
    for (const formal of formals) {
      if (formal === name) continue;
      const list = byFormal.get(formal) ?? [];
      list.push(name);
      byFormal.set(formal, list);
    }
  }
  return byFormal;
})();

const pad2 = (n: number) => String(n).padStart(2, '0');

function dateText(dob: [number, number, number], random: Random): string {
  const [y, m, d] = dob;
  const r = random();
  if (r < 0.7) return `${y}-${pad2(m)}-${pad2(d)}`;
  if (r < 0.9) return `${pad2(d)}/${pad2(m)}/${y}`;
  return `${y}${pad2(m)}${pad2(d)}`;
}

function postcodeText(postcode: string, random: Random): string {
  const r = random();
  if (r < 0.8) return postcode;
  if (r < 0.9) return postcode.replace(' ', '');
  return postcode.toLowerCase();
}

function phoneText(phone: string, random: Random): string {
  const r = random();
  if (r < 0.6) return phone;
  if (r < 0.8) return `+44 ${phone.slice(1, 5)} ${phone.slice(5)}`;
  return `${phone.slice(0, 5)} ${phone.slice(5)}`;
}

class World {
  readonly random: Random;
  readonly surname: () => string;
  readonly female: () => string;
  readonly male: () => string;
  readonly streets: string[];
  readonly postcodes: string[][];
  readonly rareSurnames: string[];

  constructor(random: Random, people: number) {
    this.random = random;
    this.rareSurnames = Array.from({ length: 20_000 }, () => rareSurname(random));
    // Smith about 1.5%, as in England and Wales
    this.surname = zipf(words(COMMON_SURNAMES), 0.5, random);
    this.female = zipf(words(FEMALE), 0.7, random);
    this.male = zipf(words(MALE), 0.7, random);
    this.streets = words(STREETS).flatMap((name) =>
      STREET_KINDS.map((kind) => `${capitalise(name)} ${kind}`),
    );
    // about 40 people per postcode, spread over the towns
    const perTown = Math.max(4, Math.ceil(people / 40 / TOWNS.length));
    this.postcodes = TOWNS.map(([, area]) =>
      Array.from(
        { length: perTown },
        () =>
          `${area}${1 + Math.floor(random() * 30)} ${Math.floor(random() * 10)}${letter(random)}${letter(random)}`,
      ),
    );
  }

  lastName(): string {
    // nearly half the people have a name from the long tail
    return this.random() < 0.45 ? pick(this.rareSurnames, this.random) : this.surname();
  }

  address(): Pick<Person, 'house' | 'street' | 'town' | 'postcode'> {
    const town = Math.floor(this.random() * TOWNS.length);
    return {
      house: 1 + Math.floor(this.random() * 200),
      street: pick(this.streets, this.random),
      town,
      postcode: pick(this.postcodes[town] as string[], this.random),
    };
  }

  person(household?: Person): Person {
    const random = this.random;
    const sex = random() < 0.51 ? 'F' : 'M';
    const first = sex === 'F' ? this.female() : this.male();
    const middle = random() < 0.4 ? (sex === 'F' ? this.female() : this.male()) : '';
    const last = household && random() < 0.8 ? household.last : this.lastName();
    const year = household ? 1940 + Math.floor(random() * 80) : 1930 + Math.floor(random() * 85);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const place = household ?? this.address();
    return {
      first,
      middle,
      last,
      sex,
      dob: [year, month, day],
      house: place.house,
      street: place.street,
      town: place.town,
      postcode: place.postcode,
      nhs: nhsNumberFor(random),
      ni:
        year < 2006
          ? `${letter(random)}${letter(random)}${digits(6, random)}${pick(['A', 'B', 'C', 'D'], random)}`
          : '',
      phone: household && random() < 0.2 ? household.phone : `07${digits(9, random)}`,
      email: `${first}.${last}${digits(1 + Math.floor(random() * 4), random)}@${pick(['example.com', 'mail.example', 'post.example'], random)}`,
    };
  }

  record(person: Person, id: string, source: string, duplicate: boolean): LinkageRecord {
    const random = this.random;
    const p = { ...person, dob: [...person.dob] as [number, number, number] };
    let moved = false;
    if (duplicate) {
      const errors = 1 + Math.floor(random() * 3);
      for (let e = 0; e < errors; e++) {
        const r = random();
        if (r < 0.15) p.first = typo(p.first, random);
        else if (r < 0.28) p.last = typo(p.last, random);
        else if (r < 0.38) p.first = pick(nicknamesOf.get(p.first) ?? [p.first], random);
        else if (r < 0.43) [p.first, p.last] = [p.last, p.first];
        else if (r < 0.5 && p.dob[2] <= 12) p.dob = [p.dob[0], p.dob[2], p.dob[1]];
        else if (r < 0.58)
          p.dob[2] = Math.max(
            1,
            Math.min(28, p.dob[2] + (random() < 0.5 ? 1 : -1) * (1 + Math.floor(random() * 9))),
          );
        else if (r < 0.72 && !moved) {
          Object.assign(p, this.address());
          moved = true;
          if (random() < 0.5) p.phone = `07${digits(9, random)}`;
        } else if (r < 0.8) p.postcode = typo(p.postcode.toLowerCase(), random).toUpperCase();
        else if (r < 0.86) p.street = typo(p.street.toLowerCase(), random);
        else if (r < 0.92) p.first = p.first[0] ?? '';
        else p.middle = '';
      }
    }
    // what this organisation holds at all
    const has = (share: number) => random() < share;
    const upper = random() < 0.1;
    const name = (value: string) => (upper ? value.toUpperCase() : capitalise(value));
    return {
      id,
      source,
      firstName: has(0.99) ? name(p.first) : undefined,
      middleName: p.middle && has(0.5) ? name(p.middle) : undefined,
      lastName: has(0.99) ? name(p.last) : undefined,
      dateOfBirth: has(0.97) ? dateText(p.dob, random) : undefined,
      sex: has(0.9) ? p.sex : undefined,
      addressLine: has(0.95) ? `${p.house} ${p.street}` : undefined,
      town: has(0.8) ? (TOWNS[p.town] as [string, string])[0] : undefined,
      postcode: has(0.95) ? postcodeText(p.postcode, random) : undefined,
      nhsNumber: has(0.4) ? (has(0.02) ? typo(p.nhs, random) : p.nhs) : undefined,
      nationalInsuranceNumber: p.ni && has(0.2) ? p.ni : undefined,
      phone: has(0.5) ? phoneText(p.phone, random) : undefined,
      email: has(0.3) ? p.email : undefined,
    };
  }
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUWXYZ';
const NI_SUFFIXES = 'ABCD';

/**
 * The people records are made from, a few numbers each rather than an object each, so that
 * the eight million people behind ten million records fit in a few hundred megabytes. What
 * comes out is exactly what went in.
 */
class People {
  private readonly textIds = new Map<string, number>();
  private readonly texts: string[] = [];
  private readonly names: Int32Array;
  private readonly numbers: Float64Array;
  private readonly small: Uint16Array;
  length = 0;

  constructor(capacity: number) {
    this.names = new Int32Array(capacity * 6);
    this.numbers = new Float64Array(capacity * 3);
    this.small = new Uint16Array(capacity * 6);
  }

  private text(value: string): number {
    let id = this.textIds.get(value);
    if (id === undefined) {
      id = this.texts.push(value) - 1;
      this.textIds.set(value, id);
    }
    return id;
  }

  push(p: Person): void {
    const i = this.length++;
    const emailPrefix = `${p.first}.${p.last}`;
    if (!p.email.startsWith(emailPrefix) || !/^07\d{9}$/.test(p.phone))
      throw new Error('not a generated person');
    this.names.set(
      [p.first, p.middle, p.last, p.street, p.postcode, p.email.slice(emailPrefix.length)].map((t) =>
        this.text(t),
      ),
      i * 6,
    );
    const ni = p.ni === '' ? -1 : packNi(p.ni);
    this.numbers.set([Number(p.nhs), ni, Number(p.phone.slice(2))], i * 3);
    this.small.set([p.sex === 'F' ? 0 : 1, ...p.dob, p.house, p.town], i * 6);
  }

  get(i: number): Person {
    const [first, middle, last, street, postcode, emailSuffix] = Array.from(
      this.names.subarray(i * 6, i * 6 + 6),
      (id) => this.texts[id] as string,
    ) as [string, string, string, string, string, string];
    const [nhs, ni, phone] = this.numbers.subarray(i * 3, i * 3 + 3) as unknown as [number, number, number];
    const [sex, year, month, day, house, town] = this.small.subarray(i * 6, i * 6 + 6) as unknown as number[];
    return {
      first,
      middle,
      last,
      sex: sex === 0 ? 'F' : 'M',
      dob: [year as number, month as number, day as number],
      house: house as number,
      street,
      town: town as number,
      postcode,
      nhs: String(nhs).padStart(10, '0'),
      ni: ni < 0 ? '' : unpackNi(ni),
      phone: `07${String(phone).padStart(9, '0')}`,
      email: `${first}.${last}${emailSuffix}`,
    };
  }
}

/** 'AB123456C' as one number */
function packNi(ni: string): number {
  const first = LETTERS.indexOf(ni[0] as string);
  const second = LETTERS.indexOf(ni[1] as string);
  const suffix = NI_SUFFIXES.indexOf(ni[8] as string);
  if (ni.length !== 9 || first < 0 || second < 0 || suffix < 0) throw new Error('not a generated NI number');
  return ((first * LETTERS.length + second) * 1_000_000 + Number(ni.slice(2, 8))) * 4 + suffix;
}

function unpackNi(packed: number): string {
  const suffix = packed % 4;
  const rest = (packed - suffix) / 4;
  const number = rest % 1_000_000;
  const letters = (rest - number) / 1_000_000;
  const second = letters % LETTERS.length;
  const first = (letters - second) / LETTERS.length;
  return `${LETTERS[first]}${LETTERS[second]}${String(number).padStart(6, '0')}${NI_SUFFIXES[suffix]}`;
}

/** Where each record ends up: record `order[i]` of those made is the i-th, and `person[i]` its true person. */
export type SyntheticOrder = { order: Int32Array; person: Int32Array };

/**
 * Makes `records` synthetic records one at a time, handing each to `onRecord` in the order
 * they are made (its id is 'r' and that position), and then says how they are shuffled: so
 * that ten million can be normalised as they come, without an array of them.
 */
export function syntheticRecords(
  options: SyntheticOptions,
  onRecord: (record: LinkageRecord) => void,
): SyntheticOrder {
  const random = seededRandom(options.seed ?? 42);
  const duplicateRate = options.duplicateRate ?? 0.2;
  const sources = options.sources ?? 4;
  const originals = Math.max(1, Math.round(options.records * (1 - duplicateRate)));
  const world = new World(random, originals);
  const people = new People(originals);
  while (people.length < originals) {
    const head = world.person();
    people.push(head);
    // households of one to four
    const others = Math.floor(random() * random() * 4);
    for (let k = 0; k < others && people.length < originals; k++) people.push(world.person(head));
  }
  const person = new Int32Array(options.records);
  for (let i = 0; i < options.records; i++) {
    const duplicate = i >= originals;
    const who = duplicate ? Math.floor(random() * originals) : i;
    person[i] = who;
    const source = `org-${1 + Math.floor(random() * sources)}`;
    onRecord(world.record(people.get(who), `r${i}`, source, duplicate));
  }
  // shuffle so that duplicates are not all at the end
  const order = new Int32Array(options.records);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
    [person[i], person[j]] = [person[j] as number, person[i] as number];
  }
  return { order, person };
}

/** `records` synthetic records, about `duplicateRate` of them further records of someone already there. */
export function syntheticPeople(options: SyntheticOptions): SyntheticData {
  const made: LinkageRecord[] = [];
  const { order, person } = syntheticRecords(options, (record) => made.push(record));
  const records = Array.from(order, (i) => made[i] as LinkageRecord);
  return { records, person };
}
