/**
 * Icetrak's account system as the local stack and the tests see it (issue 14): the demo accounts
 * and people the issue names, and a deterministic generator of synthetic accounts around them so
 * a search meets realistic volumes and near misses.
 *
 * Everything here is fictitious: emails on example.org (the demo people), example.com and
 * example.net (synthetic people), and .example domains (the customers); phone numbers from
 * Ofcom's ranges reserved for drama (07700 900000–900999 and the geographic 496 0xxx / 7946 0xxx
 * blocks); IP addresses from the documentation ranges (RFC 5737); postcodes in ZZ99, which no
 * address uses. The generator takes a seed, never Math.random, so every start, test and the
 * traffic generator see the same accounts with the same ids.
 */

/** The account system's rows, one array per table (infra/local/icetrak/account-schema.sql). */
export interface AccountRow {
  account_id: string;
  name: string;
  status: 'open' | 'closed';
  opened_on: string;
  closed_on: string | null;
  privacy_contact_email: string;
}
export interface AccountUserRow {
  user_id: string;
  account_id: string;
  full_name: string;
  email: string;
  phone: string | null;
  job_title: string | null;
  created_on: string;
  last_login_at: string | null;
}
export interface LoginEventRow {
  event_id: number;
  user_id: string;
  at: string;
  ip_address: string;
  outcome: 'success' | 'failure';
}
export interface BillingContactRow {
  contact_id: string;
  account_id: string;
  full_name: string;
  email: string;
  phone: string | null;
  postal_address: string | null;
}
export interface InvoiceRow {
  invoice_id: string;
  account_id: string;
  contact_id: string;
  issued_on: string;
  amount_pence: number;
  status: 'paid' | 'due' | 'void';
}
export interface AccountSystemRows {
  accounts: AccountRow[];
  account_users: AccountUserRow[];
  login_events: LoginEventRow[];
  billing_contacts: BillingContactRow[];
  invoices: InvoiceRow[];
}

/** The day the demo data describes: nothing in it (a sign-in, an invoice, a closure) is later. */
export const DATA_AS_OF = '2026-11-30';

// ---------------------------------------------------------------------------------------------
// The demo accounts and people (issue 14, "Demo Icetrak data")
// ---------------------------------------------------------------------------------------------

export interface DemoAccount {
  readonly accountId: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly openedOn: string;
  readonly closedOn: string | null;
  /** The contract's privacy contact: where a processor request about the customer's traffic is forwarded. */
  readonly privacyContact: string;
}

export const DEMO_ACCOUNTS = {
  malvernDental: {
    accountId: 'ACC-1001',
    name: 'Malvern Dental Practice',
    status: 'open',
    openedOn: '2019-03-18',
    closedOn: null,
    privacyContact: 'privacy@malverndental.example',
  },
  worcesterTaxis: {
    accountId: 'ACC-1002',
    name: 'Worcester Taxis',
    status: 'closed',
    openedOn: '2016-09-05',
    closedOn: '2023-06-30',
    privacyContact: 'dpo@worcestertaxis.example',
  },
  severnLogistics: {
    accountId: 'ACC-1003',
    name: 'Severn Logistics',
    status: 'closed',
    openedOn: '2012-05-14',
    closedOn: '2018-03-31',
    // (default) The issue names no privacy contact for this customer.
    privacyContact: 'privacy@severnlogistics.example',
  },
} as const satisfies Record<string, DemoAccount>;

export interface DemoPerson {
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  /** The accounts they use (account_users). */
  readonly userOf: readonly string[];
  /** The accounts whose billing contact they are (billing_contacts, invoices). */
  readonly billingContactOf: readonly string[];
}

export const DEMO_PEOPLE = {
  /** Account user and billing contact of ACC-1001 (open): found in accounts and billing, by email and by phone. */
  ada: {
    name: 'Ada Lovelace',
    email: 'ada@example.org',
    phone: '+447700900123',
    userOf: ['ACC-1001'],
    billingContactOf: ['ACC-1001'],
  },
  /** Account user of ACC-1002, closed 2023-06-30: kept until 2030-06-30. */
  ben: { name: 'Ben Okafor', email: 'ben@example.org', phone: null, userOf: ['ACC-1002'], billingContactOf: [] },
  /** Account user of ACC-1003, closed 2018-03-31: its 7 years ended on 2025-03-31. */
  dee: { name: 'Dee Patel', email: 'dee@example.org', phone: null, userOf: ['ACC-1003'], billingContactOf: [] },
  /** No account: only message traffic (as the recipient of SMS from ACC-1001 and ACC-1002). */
  cara: { name: 'Cara Jones', email: 'cara@example.org', phone: '+447700900456', userOf: [], billingContactOf: [] },
} as const satisfies Record<string, DemoPerson>;

/** Phone numbers the demo people own: the synthetic data never uses them. */
export const DEMO_PHONES: readonly string[] = Object.values(DEMO_PEOPLE).flatMap((p) => (p.phone ? [p.phone] : []));

/** The demo accounts' rows: the people above, with colleagues so a search must pick them out. */
export function demoRows(): AccountSystemRows {
  const { malvernDental: md, worcesterTaxis: wt, severnLogistics: sl } = DEMO_ACCOUNTS;
  const { ada, ben, dee } = DEMO_PEOPLE;
  const accounts: AccountRow[] = [md, wt, sl].map((a) => ({
    account_id: a.accountId,
    name: a.name,
    status: a.status,
    opened_on: a.openedOn,
    closed_on: a.closedOn,
    privacy_contact_email: a.privacyContact,
  }));

  const login_events: LoginEventRow[] = [];
  let eventId = 1;
  const signIns = (user_id: string, ats: readonly string[], ip: string, failures: readonly string[] = []): string => {
    for (const at of [...ats, ...failures].sort()) {
      login_events.push({ event_id: eventId++, user_id, at, ip_address: ip, outcome: failures.includes(at) ? 'failure' : 'success' });
    }
    return ats.at(-1)!;
  };

  const account_users: AccountUserRow[] = [
    {
      user_id: 'USR-1001-01',
      account_id: md.accountId,
      full_name: ada.name,
      email: ada.email,
      phone: ada.phone,
      job_title: 'Practice Manager',
      created_on: '2019-03-18',
      last_login_at: signIns(
        'USR-1001-01',
        ['2026-09-14T08:02:11.000Z', '2026-10-05T07:58:40.000Z', '2026-10-26T12:31:05.000Z', '2026-11-09T08:15:27.000Z', '2026-11-23T16:44:02.000Z'],
        '203.0.113.41',
        ['2026-10-26T12:30:12.000Z'],
      ),
    },
    {
      user_id: 'USR-1001-02',
      account_id: md.accountId,
      full_name: 'Mary Somerville',
      email: 'reception@malverndental.example',
      phone: '+441134960101',
      job_title: 'Receptionist',
      created_on: '2021-01-11',
      last_login_at: signIns('USR-1001-02', ['2026-11-02T09:01:00.000Z', '2026-11-16T09:03:30.000Z'], '203.0.113.41'),
    },
    {
      user_id: 'USR-1002-01',
      account_id: wt.accountId,
      full_name: ben.name,
      email: ben.email,
      phone: null,
      job_title: 'Dispatch Supervisor',
      created_on: '2018-02-01',
      last_login_at: signIns(
        'USR-1002-01',
        ['2023-03-06T06:12:44.000Z', '2023-04-17T05:59:03.000Z', '2023-05-22T06:30:19.000Z', '2023-06-26T18:05:51.000Z'],
        '198.51.100.23',
      ),
    },
    {
      user_id: 'USR-1002-02',
      account_id: wt.accountId,
      full_name: 'Sam Price',
      email: 'accounts@worcestertaxis.example',
      phone: '+441214960202',
      job_title: 'Office Manager',
      created_on: '2016-09-05',
      last_login_at: signIns('USR-1002-02', ['2023-06-29T10:20:00.000Z'], '198.51.100.23'),
    },
    {
      user_id: 'USR-1003-01',
      account_id: sl.accountId,
      full_name: dee.name,
      email: dee.email,
      phone: null,
      job_title: 'Transport Planner',
      created_on: '2014-07-01',
      last_login_at: signIns('USR-1003-01', ['2017-11-20T07:45:00.000Z', '2018-02-12T07:50:13.000Z', '2018-03-28T15:10:42.000Z'], '192.0.2.77'),
    },
  ];

  const billing_contacts: BillingContactRow[] = [
    {
      contact_id: 'BC-1001-01',
      account_id: md.accountId,
      full_name: ada.name,
      email: ada.email,
      phone: ada.phone,
      postal_address: 'Malvern Dental Practice, 1 Example Terrace, Malvern ZZ99 1AA',
    },
    {
      contact_id: 'BC-1002-01',
      account_id: wt.accountId,
      full_name: 'Sam Price',
      email: 'accounts@worcestertaxis.example',
      phone: '+441214960202',
      postal_address: 'Worcester Taxis, 7 Example Yard, Worcester ZZ99 2BB',
    },
    {
      contact_id: 'BC-1003-01',
      account_id: sl.accountId,
      full_name: 'Lee Morgan',
      email: 'finance@severnlogistics.example',
      phone: '+442079460303',
      postal_address: 'Severn Logistics, Unit 3 Example Park, Gloucester ZZ99 3CC',
    },
  ];

  const invoices: InvoiceRow[] = [
    // Ada's: the last twelve months of ACC-1001, the latest still due.
    ...monthsBefore('2026-11-01', 12).map((issued_on, i) => ({
      invoice_id: `INV-1001-${issued_on.slice(0, 7).replace('-', '')}`,
      account_id: md.accountId,
      contact_id: 'BC-1001-01',
      issued_on,
      amount_pence: 4_250 + ((i * 137) % 900),
      status: i === 11 ? ('due' as const) : ('paid' as const),
    })),
    ...monthsBefore('2023-06-01', 6).map((issued_on, i) => ({
      invoice_id: `INV-1002-${issued_on.slice(0, 7).replace('-', '')}`,
      account_id: wt.accountId,
      contact_id: 'BC-1002-01',
      issued_on,
      amount_pence: 18_900 + i * 311,
      status: 'paid' as const,
    })),
    ...monthsBefore('2018-03-01', 3).map((issued_on, i) => ({
      invoice_id: `INV-1003-${issued_on.slice(0, 7).replace('-', '')}`,
      account_id: sl.accountId,
      contact_id: 'BC-1003-01',
      issued_on,
      amount_pence: 61_200 - i * 1_450,
      status: 'paid' as const,
    })),
  ];

  return { accounts, account_users, login_events, billing_contacts, invoices };
}

// ---------------------------------------------------------------------------------------------
// Synthetic accounts (ACC-2000 upwards)
// ---------------------------------------------------------------------------------------------

/** How many synthetic accounts the local stack and the tests load unless told otherwise. */
export const DEFAULT_SYNTHETIC_ACCOUNTS = 300;
/** The seed of the synthetic data everyone shares (account system and traffic generator). */
export const DEFAULT_SEED = 14;
/** The first synthetic account's number: ACC-2000. */
export const FIRST_SYNTHETIC_ACCOUNT = 2000;
/** Every REVIEWED_EVERY-th synthetic account closes in the year whose retention reviews fall around DATA_AS_OF. */
const REVIEWED_EVERY = 20;
/** Synthetic login event ids start here, clear of the demo ones. */
const FIRST_SYNTHETIC_EVENT_ID = 100_000;

/** The ids of the first `n` synthetic accounts (ACC-2000, ACC-2001, …): the same whatever the seed. */
export function syntheticAccountIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `ACC-${String(FIRST_SYNTHETIC_ACCOUNT + i)}`);
}
/** The contract's name for syntheticAccountIds (docs of issue 14's helpers). */
export const SYNTHETIC_ACCOUNT_IDS = syntheticAccountIds;

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const PLACES = [
  'Malvern', 'Worcester', 'Ledbury', 'Evesham', 'Pershore', 'Upton', 'Tewkesbury', 'Hereford', 'Droitwich', 'Bromsgrove',
  'Redditch', 'Kidderminster', 'Bewdley', 'Stourport', 'Ross', 'Leominster', 'Cheltenham', 'Gloucester', 'Stroud', 'Ludlow',
  'Bromyard', 'Tenbury', 'Alcester', 'Stratford', 'Broadway', 'Colwall', 'Newent', 'Ledwyche', 'Inkberrow', 'Ombersley',
]; // prettier-ignore
const TRADES = [
  'Dental Care', 'Taxis', 'Logistics', 'Veterinary Surgery', 'Pharmacy', 'Opticians', 'Plumbing', 'Garage', 'Physiotherapy',
  'Lettings', 'Florists', 'Builders', 'Bakery', 'Couriers', 'Medical Centre', 'Solicitors', 'Accountants', 'Removals',
  'Hair Studio', 'Driving School', 'Kennels', 'Cleaning Services', 'Electricians', 'Tyres', 'Dog Grooming', 'Tutors',
  'Scaffolding', 'Catering', 'Print Shop', 'Health Club',
]; // prettier-ignore
const FIRST_NAMES = [
  'Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Lily', 'Grace', 'Freya', 'Sophia', 'Noah', 'Oliver', 'George', 'Arthur',
  'Leo', 'Harry', 'Oscar', 'Archie', 'Henry', 'Jack', 'Priya', 'Aisha', 'Zara', 'Fatima', 'Mohammed', 'Yusuf', 'Chen',
  'Wei', 'Tomasz', 'Agnieszka', 'Siobhan', 'Callum', 'Rhys', 'Megan', 'Niamh', 'Kwame', 'Chidi', 'Imani', 'Rosa', 'Mateo',
]; // prettier-ignore
const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Robinson', 'Thompson',
  'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Hughes', 'Edwards', 'Lewis',
  'Nowak', 'Kowalski', 'Murphy', 'Kelly', 'Mensah', 'Adeyemi', 'Li', 'Wang', 'Ahmed', 'Ali', 'Morgan', 'Price', 'Bell',
]; // prettier-ignore
const JOB_TITLES = ['Owner', 'Office Manager', 'Practice Manager', 'Receptionist', 'Operations Lead', 'Director', 'Administrator', null, null];
/** Ofcom drama blocks: 07700 900xxx and geographic ones (0113/0114/0115/0116/0117/0118/0121/0131/0141/0151/0161 496 0xxx, 020 7946 0xxx). */
const DRAMA_PREFIXES = [
  '+44770090', '+44113496', '+44114496', '+44115496', '+44116496', '+44117496', '+44118496', '+44121496', '+44131496',
  '+44141496', '+44151496', '+44161496', '+44207946',
]; // prettier-ignore
const IP_BLOCKS = ['192.0.2', '198.51.100', '203.0.113'];

/** What the traffic generator needs of a synthetic account: its id, name and life span. */
export interface SyntheticAccount {
  readonly accountId: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly openedOn: string;
  readonly closedOn: string | null;
}

/** The first `n` synthetic accounts (ACC-2000 upwards) for `seed`; the same arguments give the same accounts. */
export function syntheticAccounts(n: number, seed: number = DEFAULT_SEED): SyntheticAccount[] {
  return syntheticRows(n, seed).accounts.map((a) => ({
    accountId: a.account_id,
    name: a.name,
    status: a.status,
    openedOn: a.opened_on,
    closedOn: a.closed_on,
  }));
}

/**
 * `n` synthetic accounts with their users, sign-ins, billing contacts and invoices. Each account
 * draws from its own stream (seed and account number), so account i is the same whether 10 or
 * 10,000 are generated: a bigger run only adds accounts.
 */
export function syntheticRows(n: number, seed: number = DEFAULT_SEED): AccountSystemRows {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`syntheticRows: n must be a whole number ≥ 0, not ${String(n)}.`);
  const rows: AccountSystemRows = { accounts: [], account_users: [], login_events: [], billing_contacts: [], invoices: [] };
  const names = namePlan(n, seed);
  let eventId = FIRST_SYNTHETIC_EVENT_ID;
  for (let i = 0; i < n; i++) {
    const num = FIRST_SYNTHETIC_ACCOUNT + i;
    const rnd = seededRandom(hash(seed, num));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

    const account_id = `ACC-${String(num)}`;
    const name = names[i]!;
    const domain = `${slugOf(name)}.example`;
    let opened_on = addDays('2012-01-02', int(0, daysBetween('2012-01-02', '2026-06-30')));
    let closed_on: string | null = null;
    if (i % REVIEWED_EVERY === REVIEWED_EVERY - 1) {
      // Closed between June 2019 and May 2020, a month each in turn: the retention reviews of the months
      // around DATA_AS_OF (June 2026 to May 2027) each have an account whose 7 years end in them.
      const k = Math.floor(i / REVIEWED_EVERY) % 12;
      closed_on = new Date(Date.UTC(2019, 5 + k, int(1, 28))).toISOString().slice(0, 10);
      if (daysBetween(opened_on, closed_on) < 365) opened_on = addDays(closed_on, -int(365, 2_500));
    } else if (rnd() < 0.3 && daysBetween(opened_on, DATA_AS_OF) > 200) {
      closed_on = addDays(opened_on, int(180, daysBetween(opened_on, DATA_AS_OF)));
    }
    const lastDay = closed_on ?? DATA_AS_OF;
    rows.accounts.push({
      account_id,
      name,
      status: closed_on ? 'closed' : 'open',
      opened_on,
      closed_on,
      privacy_contact_email: pick([`privacy@${domain}`, `dpo@${domain}`, `office@${domain}`]),
    });

    const users: AccountUserRow[] = [];
    const userCount = int(1, 5);
    for (let u = 1; u <= userCount; u++) {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const user_id = `USR-${String(num)}-${String(u).padStart(2, '0')}`;
      const created_on = u === 1 ? opened_on : addDays(opened_on, int(0, daysBetween(opened_on, lastDay)));
      const logins = int(0, 8);
      const ip = `${pick(IP_BLOCKS)}.${String(int(1, 254))}`;
      let last_login_at: string | null = null;
      const span = Math.max(1, Math.min(365, daysBetween(created_on, lastDay)));
      const ats = Array.from({ length: logins }, () => `${addDays(lastDay, -int(0, span - 1))}T${time(rnd)}`).sort();
      for (const at of ats) {
        const outcome = rnd() < 0.08 ? 'failure' : 'success';
        rows.login_events.push({ event_id: eventId++, user_id, at, ip_address: ip, outcome });
        if (outcome === 'success') last_login_at = at;
      }
      users.push({
        user_id,
        account_id,
        full_name: `${first} ${last}`,
        email: `${first}.${last}.${String(num)}${u === 1 ? '' : `.${String(u)}`}@${pick(['example.com', 'example.net'])}`.toLowerCase(),
        phone: rnd() < 0.7 ? fictitiousPhone(rnd) : null,
        job_title: pick(JOB_TITLES),
        created_on,
        last_login_at,
      });
    }
    rows.account_users.push(...users);

    // The billing contact: often one of the users (as Ada is), otherwise the customer's accounts office.
    const payer = rnd() < 0.4 ? users[0]! : undefined;
    const contact_id = `BC-${String(num)}-01`;
    rows.billing_contacts.push({
      contact_id,
      account_id,
      full_name: payer?.full_name ?? `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
      email: payer?.email ?? `accounts.${String(num)}@${pick(['example.com', 'example.net'])}`,
      phone: payer ? payer.phone : rnd() < 0.5 ? fictitiousPhone(rnd) : null,
      postal_address: rnd() < 0.9 ? `${name}, ${String(int(1, 99))} Example Street, ${name.split(' ')[0]!} ZZ99 ${String(int(1, 9))}ZZ` : null,
    });

    // Monthly invoices over the account's last year of service (or its whole life, if shorter).
    const months = Math.min(12, Math.floor(daysBetween(opened_on, lastDay) / 30));
    const base = int(900, 95_000);
    const issued = monthsBefore(`${lastDay.slice(0, 7)}-01`, months).filter((d) => d >= opened_on);
    issued.forEach((issued_on, k) => {
      rows.invoices.push({
        invoice_id: `INV-${String(num)}-${issued_on.slice(0, 7).replace('-', '')}`,
        account_id,
        contact_id,
        issued_on,
        amount_pence: Math.max(500, base + int(-400, 400)),
        status: !closed_on && k === issued.length - 1 ? 'due' : rnd() < 0.03 ? 'void' : 'paid',
      });
    });
  }
  return rows;
}

/** The demo rows and `n` synthetic accounts' rows, table by table. */
export function allRows(n: number = DEFAULT_SYNTHETIC_ACCOUNTS, seed: number = DEFAULT_SEED): AccountSystemRows {
  const demo = demoRows();
  const synthetic = syntheticRows(n, seed);
  return {
    accounts: [...demo.accounts, ...synthetic.accounts],
    account_users: [...demo.account_users, ...synthetic.account_users],
    login_events: [...demo.login_events, ...synthetic.login_events],
    billing_contacts: [...demo.billing_contacts, ...synthetic.billing_contacts],
    invoices: [...demo.invoices, ...synthetic.invoices],
  };
}

// --- helpers ---

/** Distinct "<Place> <Trade>" names in a seeded order; beyond every pairing, a numbered branch. */
function namePlan(n: number, seed: number): string[] {
  const combos = PLACES.flatMap((p) => TRADES.map((t) => `${p} ${t}`));
  const rnd = seededRandom(seed);
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [combos[i], combos[j]] = [combos[j]!, combos[i]!];
  }
  return Array.from({ length: n }, (_, i) => {
    const round = Math.floor(i / combos.length);
    const base = combos[i % combos.length]!;
    return round === 0 ? base : `${base} (${String(round + 1)})`;
  });
}

/** A per-account seed mixed from the run's seed and the account number. */
function hash(seed: number, num: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ num;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function fictitiousPhone(rnd: () => number): string {
  for (;;) {
    const prefix = DRAMA_PREFIXES[Math.floor(rnd() * DRAMA_PREFIXES.length)]!;
    // Every block is its prefix, a 0 and three digits: +447700900xxx, +441134960xxx, +442079460xxx.
    const phone = `${prefix}0${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`;
    if (!DEMO_PHONES.includes(phone)) return phone;
  }
}

function time(rnd: () => number): string {
  const s = 6 * 3600 + Math.floor(rnd() * 15 * 3600);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}.000Z`;
}

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 40);
}

const DAY_MS = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The first days of the `count` months up to and including `firstOfMonth`'s, oldest first. */
function monthsBefore(firstOfMonth: string, count: number): string[] {
  const [y, m] = firstOfMonth.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, k) => {
    const d = new Date(Date.UTC(y, m - 1 - (count - 1 - k), 1));
    return d.toISOString().slice(0, 10);
  });
}
