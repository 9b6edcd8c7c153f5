/**
 * The processing register (issue 14; UK GDPR Art. 30): every Icetrak system that holds personal
 * data, what it holds and why, who receives it, how long it is kept, where it is stored, how a
 * person is found in it, and the connector Rightsdesk searches it with. The register is
 * configuration (shared/fulfilment/icetrak-register.ts), validated by this schema when it is
 * loaded; the search workflow iterates over its systems, and the Art. 15 cover letter is built
 * from the entries of the systems where data was found.
 *
 * Pure: no I/O. The retention rules it names are those of the retention schedule (retention.ts).
 */
import * as z from 'zod';

/** How a person is identified in a system. */
export const IDENTIFIER_KINDS = ['email', 'phone', 'accountId'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** Icetrak's role for a system's personal data (LAW.md, Controller or processor). */
export const ROLES = ['controller', 'processor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The retention rules a register entry may name (retention.ts states them in full):
 * account-7y: customer-account and billing records, 7 years after the account closes;
 * rightsdesk-case: Rightsdesk's case records, 6 years after the case closes;
 * processor: as the business customer (the controller) instructs.
 */
export const REGISTER_RETENTION = ['account-7y', 'rightsdesk-case', 'processor'] as const;
export type RegisterRetention = (typeof REGISTER_RETENTION)[number];

const slug = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'a lower-case slug');
const words = z.string().trim().min(3).max(1_000);
const list = z.array(words).min(1);

/** A parameterised, read-only query of a SQL source: `$1` is the identifier's value (normalised: lower-case email, E.164 phone). */
export const sqlQuerySchema = z
  .object({
    /** Names the query in the register, logs and results (e.g. "account-users-by-email"). */
    name: slug,
    /** What each row is, e.g. "account_user"; the records' `recordType`. */
    recordType: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/),
    identifiedBy: z.enum(IDENTIFIER_KINDS),
    /** One SELECT with exactly one parameter, $1. Run in a READ ONLY transaction. */
    sql: z
      .string()
      .trim()
      .regex(/^select\s/i, 'a SELECT')
      .refine((s) => s.includes('$1') && !/\$[2-9]/.test(s) && !s.includes(';'), 'exactly one parameter, $1, and no ";"'),
    /** The column that identifies a row in its table (the record's key). */
    keyColumn: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    /** The column naming the customer account a row belongs to, if any. */
    accountColumn: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional(),
    /** Whether the person provided these data themselves (or they are observations of their own use): portability (Art. 20). */
    providedByPerson: z.boolean(),
  })
  .strict();
export type SqlQuery = z.infer<typeof sqlQuerySchema>;

const column = z.string().regex(/^[a-z_][a-z0-9_]*$/);
const recordType = z.string().regex(/^[a-z][a-z0-9_]{1,40}$/);

/**
 * One parameterised write of a SQL source (issue 15): an UPDATE or DELETE (a `WITH` may lead it),
 * `$1` the record's key; a rectification's statement also takes `$2`, the corrected value. No
 * ";": one statement, run in the writer's transaction.
 */
const writeStatement = (params: 1 | 2) =>
  z
    .string()
    .trim()
    .regex(/^(update|delete|with)\s/i, 'an UPDATE or DELETE')
    .refine(
      (s) => !s.includes(';') && s.includes('$1') && (params === 2) === s.includes('$2') && !/\$[3-9]/.test(s),
      params === 1 ? 'exactly one parameter, $1 (the key), and no ";"' : 'two parameters, $1 (the key) and $2 (the value), and no ";"',
    );

/**
 * What a change plan may do to one record type of a SQL source (issue 15), and how: the
 * statements the SQL writer runs (shared/adapters/sql-writer.ts), each named in the register and
 * reviewed like code. The writes of a system are applied in the order they are listed (a record
 * type another references comes after it: sign-ins before the account user they belong to).
 */
export const sqlWriteSchema = z
  .object({
    /** The record type (a query's recordType). */
    recordType,
    /** Deletes the record: `$1` is its key. */
    erase: writeStatement(1),
    /** The fields a rectification may change, each with its UPDATE (`$1` the key, `$2` the corrected value). */
    rectify: z.record(column, writeStatement(2)).optional(),
    /** Marks the record restricted (stored, not otherwise processed; the systems reading it honour the mark): `$1` the key. */
    restrict: writeStatement(1).optional(),
    /** Lifts the restriction (clears the mark `restrict` set; Art. 18(3), after the person was told): `$1` the key. Required with `restrict`. */
    unrestrict: writeStatement(1).optional(),
    /** Stops processing for an objectable purpose of the system (its `objections`), by purpose: `$1` the key. */
    stop: z.record(slug, writeStatement(1)).optional(),
    /**
     * A retention override: the record type is not kept with its account (neither to run an open
     * account nor under the 7-year legal obligation), so an erasure request erases it. Says why.
     */
    notKeptWithAccount: words.optional(),
  })
  .strict();
export type SqlWrite = z.infer<typeof sqlWriteSchema>;

/** A purpose of a system a person may object to (Art. 21), and what stopping it means. */
export const objectionSchema = z
  .object({
    /** Names the purpose in a plan and in the `stop` statements, e.g. "direct-marketing". */
    purpose: slug,
    /** The purpose in the requester's words. */
    description: words,
    /** Direct marketing (Art. 21(3)): an objection always stops it; otherwise the DPO weighs compelling legitimate grounds. */
    absolute: z.boolean(),
  })
  .strict();
export type Objection = z.infer<typeof objectionSchema>;

export const connectorSchema = z.discriminatedUnion('kind', [
  /** Icetrak's PostgreSQL customer-account system (locally PGlite through the same `pg` driver). */
  z.object({ kind: z.literal('sql'), queries: z.array(sqlQuerySchema).min(1), writes: z.array(sqlWriteSchema).optional() }).strict(),
  /** Message traffic records: Parquet in S3 by day, Athena in AWS, DuckDB locally; searched by recipient number. */
  z.object({ kind: z.literal('traffic') }).strict(),
  /** Rightsdesk's own records: earlier cases and correspondence with this person. */
  z.object({ kind: z.literal('rightsdesk') }).strict(),
  /** A system without an API: a task in the desk ("search X for this person"), done by a member of staff. */
  z.object({ kind: z.literal('manual'), instructions: words }).strict(),
  /** A recipient Rightsdesk cannot query (e.g. the invoicing provider): in the register and the answer, never searched. */
  z.object({ kind: z.literal('none') }).strict(),
]);
export type Connector = z.infer<typeof connectorSchema>;
export type SourceKind = Exclude<Connector['kind'], 'none'>;

/**
 * The fields of a system whose words are Icetrak's own defaults rather than its privacy notice's
 * (the published notice's lists are empty in places; a default usual for a UK SMS/fax platform
 * fills them until Icetrak's DPO confirms or corrects it). The desk shows them as such.
 */
export const SYSTEM_DEFAULTABLE = [
  'name',
  'description',
  'role',
  'categories',
  'purposes',
  'lawfulBasis',
  'source',
  'recipients',
  'retention',
  'storage',
  'transfers',
  'objections',
  'automatedDecisions',
] as const;
export type SystemField = (typeof SYSTEM_DEFAULTABLE)[number];
/** The same for a recipient's fields. */
export const RECIPIENT_DEFAULTABLE = ['name', 'receives', 'purpose', 'noticeEmail', 'location'] as const;
export type RecipientField = (typeof RECIPIENT_DEFAULTABLE)[number];

/** A list of field names, each once. */
const fieldList = <T extends readonly [string, ...string[]]>(fields: T) =>
  z
    .array(z.enum(fields))
    .refine((xs) => new Set(xs).size === xs.length, 'each field once')
    .default([]);

/** Where recipients' API tokens live in Secrets Manager: the outbox sweep may read secrets under this prefix and no others. */
export const RECIPIENT_SECRET_PREFIX = 'rightsdesk/recipients/';

/** Hosts an API connector may reach over plain http: this machine only (tests, the local stack). */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A recipient's API for Art. 19 notices (issue 15): the notice is POSTed there as JSON with a
 * bearer token read from Secrets Manager (the secret's NAME, under RECIPIENT_SECRET_PREFIX; the
 * token never appears in the register). https only, except to this machine.
 */
export const noticeApiSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(500)
      .refine((s) => {
        let u: URL;
        try {
          u = new URL(s);
        } catch {
          return false;
        }
        const local = u.protocol === 'http:' && LOOPBACK.has(u.hostname);
        return (u.protocol === 'https:' || local) && u.username === '' && u.password === '' && u.hash === '';
      }, 'an https URL (http only to localhost), without credentials or a fragment'),
    tokenSecret: z
      .string()
      .max(200)
      .refine(
        (s) => s.startsWith(RECIPIENT_SECRET_PREFIX) && /^[a-z0-9-]{1,80}$/.test(s.slice(RECIPIENT_SECRET_PREFIX.length)),
        `a Secrets Manager secret name: ${RECIPIENT_SECRET_PREFIX}<lower-case slug>`,
      ),
  })
  .strict();
export type NoticeApi = z.infer<typeof noticeApiSchema>;

/** Someone outside Icetrak who receives personal data from a system (Art. 15(1)(c), Art. 19). */
export const recipientSchema = z
  .object({
    id: slug,
    name: z.string().trim().min(2).max(200),
    /** What it receives and why, in the requester's words. */
    receives: words,
    purpose: words,
    /** How Art. 19 notices reach it (part 2): an email address for instructions. */
    noticeEmail: z.email().optional(),
    /** Or its API: when set, notices are POSTed there instead of emailed (shared/adapters/fetch-recipient-api.ts). */
    noticeApi: noticeApiSchema.optional(),
    /** Where it stores the data; "UK" or the country and the safeguard. */
    location: words,
    /** Fields whose words are Icetrak's defaults, not the privacy notice's. */
    defaults: fieldList(RECIPIENT_DEFAULTABLE),
  })
  .strict();
export type Recipient = z.infer<typeof recipientSchema>;

export const systemSchema = z
  .object({
    id: slug,
    name: z.string().trim().min(2).max(200),
    /** One sentence the requester understands. */
    description: words,
    role: z.enum(ROLES),
    /** Categories of personal data it holds (Art. 15(1)(b)). */
    categories: list,
    /** Purposes of the processing (Art. 15(1)(a)). */
    purposes: list,
    /** The lawful basis (Art. 6), in words. */
    lawfulBasis: words,
    /** Where the data comes from when not from the person (Art. 15(1)(g)). */
    source: words,
    /** Ids of `recipients` that receive data from this system. */
    recipients: z.array(slug),
    retention: z.enum(REGISTER_RETENTION),
    /** Where it is stored, e.g. "Icetrak's own servers in the UK". */
    storage: words,
    /** Transfers outside the UK and their safeguard; null when there are none. */
    transfers: words.nullable(),
    /** Automated decision-making, including profiling (Art. 22); null when there is none. */
    automatedDecisions: words.nullable(),
    identifiedBy: z.array(z.enum(IDENTIFIER_KINDS)),
    /** The purposes a person may object to (Art. 21); a `stop` statement names one of these. */
    objections: z.array(objectionSchema).optional(),
    connector: connectorSchema,
    /** Fields whose words are Icetrak's defaults, not the privacy notice's (shown as such in the desk). */
    defaults: fieldList(SYSTEM_DEFAULTABLE),
  })
  .strict();
export type RegisterSystem = z.infer<typeof systemSchema>;

export const registerSchema = z
  .object({
    /** Bumped on every change; recorded with each search and export (which register they were built from). */
    version: z.string().regex(/^\d{4}-\d{2}-\d{2}\.\d+$/, 'YYYY-MM-DD.N'),
    controller: z.object({ name: words, address: words, companyNumber: z.string().regex(/^\d{8}$/), dpoEmail: z.email() }).strict(),
    systems: z.array(systemSchema).min(1),
    recipients: z.array(recipientSchema),
  })
  .strict()
  .superRefine((r, ctx) => {
    const ids = new Set<string>();
    for (const s of r.systems) {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', message: `system id "${s.id}" is used twice` });
      ids.add(s.id);
      for (const rid of s.recipients) {
        if (!r.recipients.some((x) => x.id === rid)) ctx.addIssue({ code: 'custom', message: `system "${s.id}" names unknown recipient "${rid}"` });
      }
      if (s.connector.kind === 'sql') {
        for (const q of s.connector.queries) {
          if (!s.identifiedBy.includes(q.identifiedBy))
            ctx.addIssue({
              code: 'custom',
              message: `query "${q.name}" of "${s.id}" searches by ${q.identifiedBy}, which the system does not list in identifiedBy`,
            });
        }
        const types = new Set(s.connector.queries.map((q) => q.recordType));
        const written = new Set<string>();
        for (const w of s.connector.writes ?? []) {
          if (!types.has(w.recordType)) ctx.addIssue({ code: 'custom', message: `"${s.id}" writes record type "${w.recordType}", which no query finds` });
          if (written.has(w.recordType)) ctx.addIssue({ code: 'custom', message: `"${s.id}" lists the writes of "${w.recordType}" twice` });
          written.add(w.recordType);
          // A mark that cannot be lifted is a defect: a restriction must end when its ground does (Art. 18(3)).
          if (w.restrict !== undefined && w.unrestrict === undefined)
            ctx.addIssue({ code: 'custom', message: `"${s.id}" restricts "${w.recordType}" but has no unrestrict statement to lift the mark` });
          if (w.unrestrict !== undefined && w.restrict === undefined)
            ctx.addIssue({ code: 'custom', message: `"${s.id}" unrestricts "${w.recordType}", which it never restricts` });
          for (const purpose of Object.keys(w.stop ?? {})) {
            if (!(s.objections ?? []).some((o) => o.purpose === purpose))
              ctx.addIssue({ code: 'custom', message: `"${s.id}" stops purpose "${purpose}" for "${w.recordType}", which is not among its objections` });
          }
        }
      }
      if (s.connector.kind === 'traffic' && s.role !== 'processor')
        ctx.addIssue({ code: 'custom', message: `traffic system "${s.id}" must be a processor system` });
      if (s.connector.kind !== 'none' && s.identifiedBy.length === 0)
        ctx.addIssue({ code: 'custom', message: `system "${s.id}" is searched but lists no identifiers` });
    }
  });
export type Register = z.infer<typeof registerSchema>;

/** The register, validated; throws with every problem listed (a bad register must not deploy). */
export function parseRegister(raw: unknown): Register {
  const parsed = registerSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`The processing register is invalid:\n${parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** The systems a search covers: every system with a connector, in register order. */
export function searchableSystems(r: Register): Array<RegisterSystem & { connector: Exclude<Connector, { kind: 'none' }> }> {
  return r.systems.filter((s): s is RegisterSystem & { connector: Exclude<Connector, { kind: 'none' }> } => s.connector.kind !== 'none');
}

/** The system `id`; throws for an id the register does not have. */
export function systemById(r: Register, id: string): RegisterSystem {
  const s = r.systems.find((x) => x.id === id);
  if (!s) throw new Error(`No system "${id}" in the processing register.`);
  return s;
}

/** The recipients of the systems `ids`, each once, in register order. */
export function recipientsOf(r: Register, ids: readonly string[]): Recipient[] {
  const wanted = new Set(r.systems.filter((s) => ids.includes(s.id)).flatMap((s) => s.recipients));
  return r.recipients.filter((x) => wanted.has(x.id));
}

/** The writes of a system's record type (SQL sources; issue 15), or undefined when the register names none. */
export function writesOf(system: RegisterSystem, recordType: string): SqlWrite | undefined {
  return system.connector.kind === 'sql' ? system.connector.writes?.find((w) => w.recordType === recordType) : undefined;
}

/** Every field a rectification can change automatically: what a rectification form offers. */
export function rectifiableFields(r: Register): Array<{ source: string; recordType: string; field: string }> {
  return r.systems.flatMap((s) =>
    s.connector.kind === 'sql'
      ? (s.connector.writes ?? []).flatMap((w) => Object.keys(w.rectify ?? {}).map((field) => ({ source: s.id, recordType: w.recordType, field })))
      : [],
  );
}
