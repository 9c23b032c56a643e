/**
 * Fellshire: a fictional demo place for Flagstone.
 *
 * Pure data, no I/O. Every organisation, person, place name and boundary here
 * is invented. Boundaries only loosely sit in inland England so that maps look
 * plausible; they do not follow any real administrative area.
 *
 * LGSL codes (Local Government Service List) were taken from the LGSL,
 * Description and Providing Tier table in `data/local_services.csv` of the
 * alphagov/publisher repository. We used the current file, plus an older
 * version of the same file (kept in a fork of that repository) for 651, debt
 * counselling. A code is given only where that list has an entry for the same
 * service. Otherwise `lgslCode` is null. Notes:
 * - 664 "blocked drains" is listed there as a district/unitary service, so it
 *   is not used for the county's road-gully service.
 * - 524 is "which day the refuse is collected", not a missed collection, so
 *   missed bins have no code.
 * - 178 (equipment and adaptations to the home for disabled people) is listed
 *   as county/unitary. Here the NHS trust provides it on behalf of the councils.
 */

import type { OrganisationKind } from './schemas.ts';

export interface DemoOrganisation {
  /** Short lowercase slug, e.g. 'fellshire-cc'. */
  ref: string;
  name: string;
  kind: OrganisationKind;
}

export interface DemoArea {
  ref: string;
  name: string;
  /** GeoJSON polygon, [longitude, latitude] in WGS84, closed rings, outer ring counter-clockwise (RFC 7946). */
  boundary: { type: 'Polygon'; coordinates: number[][][] };
  /** Which organisation performs which kinds of function in this area. */
  coverage: { organisation: string; functions: OrganisationKind[] }[];
}

export interface DemoService {
  code: string;
  lgslCode: number | null;
  name: string;
  description: string;
  group: string;
  /** The two-tier kind responsible; in a unitary area coverage maps it to the unitary council. */
  responsibleKind: OrganisationKind;
  keywords: string[];
}

export interface DemoAccount {
  email: string;
  name: string;
  kind: 'citizen' | 'staff';
  roles: {
    organisation: string;
    role: 'staff' | 'manager' | 'ig_officer' | 'auditor' | 'admin';
  }[];
}

export interface DemoPlace {
  name: string;
  organisations: DemoOrganisation[];
  areas: DemoArea[];
  services: DemoService[];
  accounts: DemoAccount[];
}

/**
 * Points ([longitude, latitude]) for tests:
 * - ashbyVale:    [-2.2, 52.22]  inside Ashby Vale only
 * - northmoor:    [-2.2, 52.43]  inside Northmoor only
 * - castlebridge: [-1.68, 52.3]  inside Castlebridge only
 * - outside:      [-1.45, 52.55] outside all three areas
 */
export const demoPoints = {
  ashbyVale: [-2.2, 52.22],
  northmoor: [-2.2, 52.43],
  castlebridge: [-1.68, 52.3],
  outside: [-1.45, 52.55],
} as const;

const sharedServices = (): { organisation: string; functions: OrganisationKind[] }[] => [
  { organisation: 'fellshire-fire', functions: ['fire_and_rescue'] },
  { organisation: 'fellshire-police', functions: ['police'] },
  { organisation: 'fellshire-nhs', functions: ['nhs_trust'] },
  { organisation: 'fellside-advice', functions: ['voluntary_organisation'] },
];

export const demoPlace: DemoPlace = {
  name: 'Fellshire',

  organisations: [
    { ref: 'fellshire-cc', name: 'Fellshire County Council', kind: 'county_council' },
    { ref: 'ashby-vale-dc', name: 'Ashby Vale District Council', kind: 'district_council' },
    { ref: 'northmoor-dc', name: 'Northmoor District Council', kind: 'district_council' },
    { ref: 'castlebridge-council', name: 'Castlebridge Council', kind: 'unitary_council' },
    {
      ref: 'fellshire-nhs',
      name: 'Fellshire and Castlebridge Community Health NHS Trust',
      kind: 'nhs_trust',
    },
    {
      ref: 'fellshire-fire',
      name: 'Fellshire and Castlebridge Fire and Rescue Service',
      kind: 'fire_and_rescue',
    },
    { ref: 'fellshire-police', name: 'Fellshire Constabulary', kind: 'police' },
    { ref: 'fellside-advice', name: 'Fellside Advice Network', kind: 'voluntary_organisation' },
  ],

  // The two districts together make up Fellshire county. They share the border
  // [-2.46, 52.34] → [-2.35, 52.31] → [-2.22, 52.33] → [-2.1, 52.3] → [-1.98, 52.32] → [-1.86, 52.3].
  // Castlebridge shares the county's eastern edge
  // [-1.84, 52.18] → [-1.88, 52.24] → [-1.86, 52.3] → [-1.83, 52.37] → [-1.88, 52.44].
  // Test points (lon, lat): Ashby Vale [-2.2, 52.22], Northmoor [-2.2, 52.43],
  // Castlebridge [-1.68, 52.3], outside all [-1.45, 52.55] (see demoPoints).
  areas: [
    {
      ref: 'ashby-vale',
      name: 'Ashby Vale',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [-2.46, 52.34],
            [-2.52, 52.27],
            [-2.48, 52.19],
            [-2.38, 52.13],
            [-2.24, 52.11],
            [-2.1, 52.14],
            [-1.96, 52.12],
            [-1.84, 52.18],
            [-1.88, 52.24],
            [-1.86, 52.3],
            [-1.98, 52.32],
            [-2.1, 52.3],
            [-2.22, 52.33],
            [-2.35, 52.31],
            [-2.46, 52.34],
          ],
        ],
      },
      coverage: [
        { organisation: 'fellshire-cc', functions: ['county_council'] },
        { organisation: 'ashby-vale-dc', functions: ['district_council'] },
        ...sharedServices(),
      ],
    },
    {
      ref: 'northmoor',
      name: 'Northmoor',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [-2.46, 52.34],
            [-2.35, 52.31],
            [-2.22, 52.33],
            [-2.1, 52.3],
            [-1.98, 52.32],
            [-1.86, 52.3],
            [-1.83, 52.37],
            [-1.88, 52.44],
            [-1.98, 52.5],
            [-2.12, 52.53],
            [-2.26, 52.51],
            [-2.4, 52.54],
            [-2.5, 52.47],
            [-2.53, 52.4],
            [-2.46, 52.34],
          ],
        ],
      },
      coverage: [
        { organisation: 'fellshire-cc', functions: ['county_council'] },
        { organisation: 'northmoor-dc', functions: ['district_council'] },
        ...sharedServices(),
      ],
    },
    {
      ref: 'castlebridge',
      name: 'Castlebridge',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [-1.84, 52.18],
            [-1.74, 52.14],
            [-1.62, 52.17],
            [-1.55, 52.26],
            [-1.52, 52.36],
            [-1.6, 52.44],
            [-1.74, 52.47],
            [-1.88, 52.44],
            [-1.83, 52.37],
            [-1.86, 52.3],
            [-1.88, 52.24],
            [-1.84, 52.18],
          ],
        ],
      },
      coverage: [
        {
          organisation: 'castlebridge-council',
          functions: ['county_council', 'district_council', 'unitary_council'],
        },
        ...sharedServices(),
      ],
    },
  ],

  services: [
    // Roads and transport (county)
    {
      code: 'pothole',
      lgslCode: 557,
      name: 'Report a pothole',
      description:
        'Tell us about a pothole or a damaged road surface. We inspect every report and repair dangerous defects first.',
      group: 'Roads and transport',
      responsibleKind: 'county_council',
      keywords: ['pothole', 'road damage', 'road surface', 'hole in road'],
    },
    {
      code: 'street-light',
      lgslCode: 564,
      name: 'Report a street light fault',
      description:
        'Report a street light that is not working, stays on during the day, flickers or has been damaged.',
      group: 'Roads and transport',
      responsibleKind: 'county_council',
      keywords: ['street light', 'lamp post', 'light out', 'street lighting'],
    },
    {
      code: 'road-gritting',
      lgslCode: 561,
      name: 'Road gritting',
      description:
        'Find out which roads we grit in icy weather, and ask for a grit bin to be refilled or a road to be looked at.',
      group: 'Roads and transport',
      responsibleKind: 'county_council',
      keywords: ['gritting', 'grit bin', 'ice', 'snow', 'winter roads'],
    },
    {
      code: 'pavement-problem',
      lgslCode: 537,
      name: 'Report a pavement problem',
      description:
        'Report a broken, uneven or raised paving slab, or any other problem that makes a pavement unsafe to walk on.',
      group: 'Roads and transport',
      responsibleKind: 'county_council',
      keywords: ['pavement', 'footway', 'paving slab', 'trip hazard'],
    },
    {
      code: 'blocked-gully',
      lgslCode: null,
      name: 'Report a blocked road drain or gully',
      description:
        'Tell us about a blocked drain or gully at the side of the road, or water that is not draining away from the road.',
      group: 'Roads and transport',
      responsibleKind: 'county_council',
      keywords: ['gully', 'blocked drain', 'road drain', 'standing water', 'flooding'],
    },
    {
      code: 'rights-of-way',
      lgslCode: null,
      name: 'Report a problem on a public right of way',
      description:
        'Report a blocked, overgrown or damaged public footpath or bridleway, or a broken stile, gate or sign.',
      group: 'Environment',
      responsibleKind: 'county_council',
      keywords: ['footpath', 'bridleway', 'right of way', 'stile', 'countryside'],
    },
    {
      code: 'blue-badge',
      lgslCode: 279,
      name: 'Apply for a Blue Badge',
      description:
        'Apply for, renew or replace a Blue Badge, which lets disabled people park closer to where they need to go.',
      group: 'Roads and transport',
      responsibleKind: 'county_council',
      keywords: ['blue badge', 'disabled parking', 'parking permit', 'mobility'],
    },
    // Education (county)
    {
      code: 'primary-school-place',
      lgslCode: 13,
      name: 'Apply for a primary school place',
      description:
        'Apply for a place at a primary or infant school for a child starting school, or moving school during the year.',
      group: 'Education',
      responsibleKind: 'county_council',
      keywords: ['school admissions', 'primary school', 'reception place', 'school place'],
    },
    {
      code: 'secondary-school-place',
      lgslCode: 14,
      name: 'Apply for a secondary school place',
      description:
        'Apply for a place at a secondary school for a child moving up from primary school, or moving school during the year.',
      group: 'Education',
      responsibleKind: 'county_council',
      keywords: ['school admissions', 'secondary school', 'year 7', 'school place'],
    },
    // Waste and recycling (district)
    {
      code: 'missed-bin',
      lgslCode: null,
      name: 'Report a missed bin collection',
      description:
        'Tell us if your rubbish, recycling or garden waste bin was not emptied on your collection day.',
      group: 'Waste and recycling',
      responsibleKind: 'district_council',
      keywords: ['missed bin', 'bin collection', 'rubbish', 'recycling', 'wheelie bin', 'refuse', 'dustbin'],
    },
    {
      code: 'bulky-waste',
      lgslCode: 528,
      name: 'Book a bulky waste collection',
      description:
        'Book a collection of large household items such as furniture, mattresses and fridges that will not fit in your bin.',
      group: 'Waste and recycling',
      responsibleKind: 'district_council',
      keywords: ['bulky waste', 'large items', 'furniture', 'mattress', 'fridge'],
    },
    {
      code: 'fly-tipping',
      lgslCode: 587,
      name: 'Report fly-tipping',
      description:
        'Report rubbish that has been dumped illegally on a road, verge, alley or other public land, so we can clear it and investigate.',
      group: 'Waste and recycling',
      responsibleKind: 'district_council',
      keywords: ['fly-tipping', 'dumped rubbish', 'illegal dumping', 'waste'],
    },
    // Environment (district)
    {
      code: 'noise-complaint',
      lgslCode: 412,
      name: 'Report a noise nuisance',
      description:
        'Complain about persistent noise from a home, business or event, such as loud music, barking dogs or alarms.',
      group: 'Environment',
      responsibleKind: 'district_council',
      keywords: ['noise', 'loud music', 'nuisance', 'barking dog', 'alarm'],
    },
    {
      code: 'graffiti',
      lgslCode: 584,
      name: 'Report graffiti',
      description:
        'Report graffiti on public buildings, walls, bridges or street furniture. We remove offensive graffiti as a priority.',
      group: 'Environment',
      responsibleKind: 'district_council',
      keywords: ['graffiti', 'vandalism', 'tagging', 'offensive graffiti'],
    },
    {
      code: 'dog-fouling',
      lgslCode: 577,
      name: 'Report dog fouling',
      description:
        'Report dog mess left on pavements, parks or other public places, including places where it happens often.',
      group: 'Environment',
      responsibleKind: 'district_council',
      keywords: ['dog fouling', 'dog mess', 'dog poo', 'dog warden'],
    },
    {
      code: 'street-cleaning',
      lgslCode: 580,
      name: 'Request street cleaning',
      description:
        'Ask us to clean up litter, broken glass, leaves or spills on a street, pavement or public space.',
      group: 'Environment',
      responsibleKind: 'district_council',
      keywords: ['street cleaning', 'litter', 'broken glass', 'sweeping'],
    },
    {
      code: 'abandoned-vehicle',
      lgslCode: 372,
      name: 'Report an abandoned vehicle',
      description:
        'Report a vehicle that looks abandoned, for example one that has not moved for weeks, is badly damaged or has no number plates.',
      group: 'Environment',
      responsibleKind: 'district_council',
      keywords: ['abandoned vehicle', 'abandoned car', 'untaxed', 'dumped car'],
    },
    // Housing and planning (district)
    {
      code: 'council-housing-repair',
      lgslCode: 141,
      name: 'Report a council housing repair',
      description:
        'Council tenants can report a repair needed in their home, such as a leak, broken heating or a faulty door or window.',
      group: 'Housing',
      responsibleKind: 'district_council',
      keywords: ['housing repair', 'council home', 'tenant', 'leak', 'damp'],
    },
    {
      code: 'homelessness-advice',
      lgslCode: 112,
      name: 'Get help if you are homeless or at risk',
      description:
        'Get advice and support if you have nowhere to stay tonight, or you are worried you may lose your home soon.',
      group: 'Housing',
      responsibleKind: 'district_council',
      keywords: ['homeless', 'eviction', 'emergency housing', 'rough sleeping', 'housing advice'],
    },
    {
      code: 'planning-enforcement',
      lgslCode: null,
      name: 'Report a possible breach of planning rules',
      description:
        'Tell us about building work or a change of use that may not have planning permission, or that is not following the approved plans.',
      group: 'Planning',
      responsibleKind: 'district_council',
      keywords: ['planning enforcement', 'planning breach', 'unauthorised building', 'extension'],
    },
    // Fire and rescue
    {
      code: 'home-fire-safety-visit',
      lgslCode: null,
      name: 'Book a free home fire safety visit',
      description:
        'Book a free visit from the fire service to check your home, fit smoke alarms where needed and make a plan for escaping a fire.',
      group: 'Community safety',
      responsibleKind: 'fire_and_rescue',
      keywords: ['fire safety', 'smoke alarm', 'home visit', 'fire risk'],
    },
    // Police (non-emergency)
    {
      code: 'antisocial-behaviour',
      lgslCode: null,
      name: 'Report antisocial behaviour',
      description:
        'Report antisocial behaviour that is not an emergency, such as harassment, intimidating groups or repeated nuisance. In an emergency call 999.',
      group: 'Community safety',
      responsibleKind: 'police',
      keywords: ['antisocial behaviour', 'asb', 'harassment', 'nuisance', 'non-emergency'],
    },
    {
      code: 'lost-property',
      lgslCode: null,
      name: 'Report lost or found property',
      description:
        'Tell the police about something you have lost or found in a public place, such as a bag, phone or identity document.',
      group: 'Community safety',
      responsibleKind: 'police',
      keywords: ['lost property', 'found property', 'lost phone', 'lost wallet'],
    },
    // Health (NHS trust)
    {
      code: 'falls-prevention',
      lgslCode: null,
      name: 'Falls prevention service',
      description:
        'Get an assessment and exercises to help you stay steady on your feet if you have had a fall or are worried about falling.',
      group: 'Health and wellbeing',
      responsibleKind: 'nhs_trust',
      keywords: ['falls', 'balance', 'strength', 'older people', 'physiotherapy'],
    },
    {
      code: 'community-equipment',
      lgslCode: 178,
      name: 'Equipment and adaptations for daily living',
      description:
        'Ask for an assessment for equipment such as grab rails, bath seats or walking frames to help you live safely at home.',
      group: 'Health and wellbeing',
      responsibleKind: 'nhs_trust',
      keywords: ['community equipment', 'adaptations', 'grab rail', 'mobility aid', 'disability'],
    },
    // Advice (voluntary organisation)
    {
      code: 'debt-advice',
      lgslCode: 651,
      name: 'Free debt advice',
      description:
        'Get free, confidential help to deal with debts, set a budget and talk to the people you owe money to.',
      group: 'Advice',
      responsibleKind: 'voluntary_organisation',
      keywords: ['debt', 'money advice', 'arrears', 'budgeting', 'bailiffs'],
    },
    {
      code: 'benefits-advice',
      lgslCode: null,
      name: 'Benefits advice',
      description:
        'Find out which benefits you may be entitled to and get help to claim, or to challenge a decision you disagree with.',
      group: 'Advice',
      responsibleKind: 'voluntary_organisation',
      keywords: ['benefits', 'universal credit', 'welfare rights', 'appeal', 'entitlement'],
    },
  ],

  accounts: [
    // Citizens
    { email: 'amina.khan@example.com', name: 'Amina Khan', kind: 'citizen', roles: [] },
    { email: 'tom.price@example.com', name: 'Tom Price', kind: 'citizen', roles: [] },

    // Fellshire County Council
    {
      email: 'grace.okafor@fellshire-cc.example.org',
      name: 'Grace Okafor',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-cc', role: 'staff' }],
    },
    {
      email: 'daniel.whitfield@fellshire-cc.example.org',
      name: 'Daniel Whitfield',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-cc', role: 'manager' }],
    },
    {
      email: 'priya.raman@fellshire-cc.example.org',
      name: 'Priya Raman',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-cc', role: 'ig_officer' }],
    },
    {
      email: 'malcolm.ferguson@fellshire-cc.example.org',
      name: 'Malcolm Ferguson',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-cc', role: 'auditor' }],
    },
    {
      email: 'sofia.marchetti@fellshire-cc.example.org',
      name: 'Sofia Marchetti',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-cc', role: 'admin' }],
    },

    // Ashby Vale District Council
    {
      email: 'liam.brennan@ashby-vale-dc.example.org',
      name: 'Liam Brennan',
      kind: 'staff',
      roles: [{ organisation: 'ashby-vale-dc', role: 'staff' }],
    },
    {
      email: 'aisha.begum@ashby-vale-dc.example.org',
      name: 'Aisha Begum',
      kind: 'staff',
      roles: [{ organisation: 'ashby-vale-dc', role: 'manager' }],
    },
    {
      email: 'tomasz.nowak@ashby-vale-dc.example.org',
      name: 'Tomasz Nowak',
      kind: 'staff',
      roles: [{ organisation: 'ashby-vale-dc', role: 'ig_officer' }],
    },

    // Northmoor District Council
    {
      email: 'hannah.lewis@northmoor-dc.example.org',
      name: 'Hannah Lewis',
      kind: 'staff',
      roles: [{ organisation: 'northmoor-dc', role: 'staff' }],
    },
    {
      email: 'kwame.mensah@northmoor-dc.example.org',
      name: 'Kwame Mensah',
      kind: 'staff',
      roles: [{ organisation: 'northmoor-dc', role: 'manager' }],
    },
    {
      email: 'rhiannon.davies@northmoor-dc.example.org',
      name: 'Rhiannon Davies',
      kind: 'staff',
      roles: [{ organisation: 'northmoor-dc', role: 'ig_officer' }],
    },

    // Castlebridge Council (unitary)
    {
      email: 'mei.chen@castlebridge-council.example.org',
      name: 'Mei Chen',
      kind: 'staff',
      roles: [{ organisation: 'castlebridge-council', role: 'staff' }],
    },
    {
      email: 'oliver.hughes@castlebridge-council.example.org',
      name: 'Oliver Hughes',
      kind: 'staff',
      roles: [{ organisation: 'castlebridge-council', role: 'manager' }],
    },
    {
      email: 'fatima.haddad@castlebridge-council.example.org',
      name: 'Fatima Haddad',
      kind: 'staff',
      roles: [{ organisation: 'castlebridge-council', role: 'ig_officer' }],
    },

    // Fellshire and Castlebridge Community Health NHS Trust
    {
      email: 'chloe.adeyemi@fellshire-nhs.example.org',
      name: 'Chloe Adeyemi',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-nhs', role: 'staff' }],
    },
    {
      email: 'rajesh.patel@fellshire-nhs.example.org',
      name: 'Rajesh Patel',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-nhs', role: 'manager' }],
    },
    {
      email: 'eleanor.shaw@fellshire-nhs.example.org',
      name: 'Eleanor Shaw',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-nhs', role: 'ig_officer' }],
    },

    // Fellshire and Castlebridge Fire and Rescue Service
    {
      email: 'connor.walsh@fellshire-fire.example.org',
      name: 'Connor Walsh',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-fire', role: 'staff' }],
    },
    {
      email: 'yasmin.ali@fellshire-fire.example.org',
      name: 'Yasmin Ali',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-fire', role: 'manager' }],
    },
    {
      email: 'bethan.rees@fellshire-fire.example.org',
      name: 'Bethan Rees',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-fire', role: 'ig_officer' }],
    },

    // Fellshire Constabulary
    {
      email: 'joseph.mwangi@fellshire-police.example.org',
      name: 'Joseph Mwangi',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-police', role: 'staff' }],
    },
    {
      email: 'lucy.fairbairn@fellshire-police.example.org',
      name: 'Lucy Fairbairn',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-police', role: 'manager' }],
    },
    {
      email: 'helen.okonjo@fellshire-police.example.org',
      name: 'Helen Okonjo',
      kind: 'staff',
      roles: [{ organisation: 'fellshire-police', role: 'ig_officer' }],
    },

    // Fellside Advice Network
    {
      email: 'zainab.hussain@fellside-advice.example.org',
      name: 'Zainab Hussain',
      kind: 'staff',
      roles: [{ organisation: 'fellside-advice', role: 'staff' }],
    },
    {
      email: 'gareth.morgan@fellside-advice.example.org',
      name: 'Gareth Morgan',
      kind: 'staff',
      roles: [{ organisation: 'fellside-advice', role: 'manager' }],
    },
  ],
};
