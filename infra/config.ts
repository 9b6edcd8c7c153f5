/**
 * Deployment configuration, read once from CDK context (cdk.json, or `-c key=value`) and
 * validated before any construct is built: a typo fails `cdk synth` with a message naming
 * the key, instead of a deployed system mailing from the wrong address.
 */
import type { IConstruct } from 'constructs';
import { isNation, NATIONS, type Nation } from '#domain/calendar';
import { RETENTION, RETENTION_BOUNDS, type RetentionSchedule } from '#domain/retention';

export const CONTEXT_KEYS = {
  domain: 'rightsdesk:domain',
  dpoAddress: 'rightsdesk:dpoAddress',
  teamAddress: 'rightsdesk:teamAddress',
  senderAddress: 'rightsdesk:senderAddress',
  nation: 'rightsdesk:nation',
  customDomain: 'rightsdesk:customDomain',
  mailDailyLimit: 'rightsdesk:mailDailyLimit',
  staffDomainPrefix: 'rightsdesk:staffDomainPrefix',
  initialDpoEmail: 'rightsdesk:initialDpoEmail',
  retentionCaseYears: 'rightsdesk:retentionCaseYears',
  retentionRejectedDays: 'rightsdesk:retentionRejectedDays',
  retentionAccountabilityYears: 'rightsdesk:retentionAccountabilityYears',
} as const;

/** The retention schedule's context keys, by the schedule's field (shared/domain/retention.ts RETENTION). */
const RETENTION_KEYS = {
  caseYears: 'retentionCaseYears',
  rejectedDays: 'retentionRejectedDays',
  accountabilityYears: 'retentionAccountabilityYears',
} as const satisfies Record<keyof RetentionSchedule, keyof typeof CONTEXT_KEYS>;

/** Keys that must be present; the rest have documented defaults. */
type RequiredKey = Exclude<
  keyof typeof CONTEXT_KEYS,
  'customDomain' | 'mailDailyLimit' | 'staffDomainPrefix' | 'initialDpoEmail' | (typeof RETENTION_KEYS)[keyof RetentionSchedule]
>;

/** Automatic mails one recipient address may get a day unless `rightsdesk:mailDailyLimit` says otherwise. */
export const DEFAULT_MAIL_DAILY_LIMIT = 4;

export interface RightsdeskConfig {
  /** Public host of the form and the SES sending/receiving identity, e.g. privacy.icetrak.net */
  readonly domain: string;
  /** The DPO mailbox requesters write to, e.g. dpo@icetrak.net */
  readonly dpoAddress: string;
  /**
   * The DPO team's own inbox, where staff notices go (new verified requests, deadline
   * reminders and escalations), e.g. dpo-team@icetrak.net. Never the DPO mailbox: mail to that
   * is Rightsdesk's intake, which ignores mail from our own sender, so no person would see it.
   */
  readonly teamAddress: string;
  /** From address of outbound mail; must be at `domain` or a subdomain of it (SES identity). */
  readonly senderAddress: string;
  /** The office's nation: decides which bank holidays extend deadlines. */
  readonly nation: Nation;
  /**
   * Serve the API at `https://${domain}` (API Gateway custom domain, ACM certificate in
   * eu-west-2 validated by DNS) rather than at its execute-api address.
   * Context `rightsdesk:customDomain`, true or false. @default true
   */
  readonly customDomain: boolean;
  /**
   * `https://${domain}` when customDomain is on: the origin of the form and of links in mail.
   * Undefined otherwise; the stack then uses the API stage's execute-api URL.
   */
  readonly publicBaseUrl?: string;
  /**
   * Automatic mails (acknowledgements, confirmations, reminders) one recipient address may get
   * a day, whatever the source: the form cannot be used to mail-bomb a stranger.
   * Context `rightsdesk:mailDailyLimit`, 1 to 100. @default DEFAULT_MAIL_DAILY_LIMIT (4)
   */
  readonly mailDailyLimit?: number;
  /**
   * Prefix of the staff sign-in domain, `https://<prefix>.auth.eu-west-2.amazoncognito.com`.
   * Context `rightsdesk:staffDomainPrefix`. @default - StaffSignIn's (`rightsdesk-staff-<account id>`)
   */
  readonly staffDomainPrefix?: string;
  /**
   * The first DPO's email address: a staff user in the `dpo` group, created at deployment and
   * emailed a temporary password. Context `rightsdesk:initialDpoEmail`. @default - none
   */
  readonly initialDpoEmail?: string;
  /**
   * The retention schedule (docs/retention.md): years a closed case's records are kept, days for
   * rejected intake, years for accountability records. Context `rightsdesk:retentionCaseYears`
   * (1–20), `rightsdesk:retentionRejectedDays` (7–365), `rightsdesk:retentionAccountabilityYears`
   * (1–20). The functions that compute an expiry get them as RETENTION_* variables; the buckets'
   * lifecycle backstops are derived from them (infra/storage.ts). @default RETENTION (6 years, 90 days, 6 years)
   */
  readonly retention: RetentionSchedule;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;

function isHostname(value: string): boolean {
  const labels = value.split('.');
  return value.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
}

function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  return at > 0 && value.length <= 254 && LOCAL_PART.test(value.slice(0, at)) && isHostname(value.slice(at + 1).toLowerCase());
}

/** Validates raw context values; throws one ConfigError listing every problem. */
export function parseConfig(
  raw: Record<RequiredKey, unknown> & {
    readonly customDomain?: unknown;
    readonly mailDailyLimit?: unknown;
    readonly staffDomainPrefix?: unknown;
    readonly initialDpoEmail?: unknown;
    readonly retentionCaseYears?: unknown;
    readonly retentionRejectedDays?: unknown;
    readonly retentionAccountabilityYears?: unknown;
  },
): RightsdeskConfig {
  const problems: string[] = [];
  const text = (field: RequiredKey): string | undefined => {
    const value = raw[field];
    if (value === undefined || value === null || value === '') {
      problems.push(`${CONTEXT_KEYS[field]} is missing`);
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push(`${CONTEXT_KEYS[field]} must be a string`);
      return undefined;
    }
    return value.trim();
  };

  const domain = text('domain')?.toLowerCase();
  if (domain !== undefined && !isHostname(domain)) {
    problems.push(`${CONTEXT_KEYS.domain} must be a DNS host name such as privacy.example.com`);
  }
  const dpoAddress = text('dpoAddress');
  if (dpoAddress !== undefined && !isEmailAddress(dpoAddress)) {
    problems.push(`${CONTEXT_KEYS.dpoAddress} must be an email address`);
  }
  const teamAddress = text('teamAddress');
  if (teamAddress !== undefined) {
    if (!isEmailAddress(teamAddress)) {
      problems.push(`${CONTEXT_KEYS.teamAddress} must be an email address`);
    } else if (dpoAddress !== undefined && teamAddress.toLowerCase() === dpoAddress.toLowerCase()) {
      problems.push(
        `${CONTEXT_KEYS.teamAddress} must differ from ${CONTEXT_KEYS.dpoAddress}: staff notices sent to the DPO mailbox ` +
          "loop into Rightsdesk's own intake, which ignores mail from our sender address, and never reach a person",
      );
    }
  }
  const senderAddress = text('senderAddress');
  if (senderAddress !== undefined) {
    if (!isEmailAddress(senderAddress)) {
      problems.push(`${CONTEXT_KEYS.senderAddress} must be an email address`);
    } else if (domain !== undefined) {
      const senderDomain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1).toLowerCase();
      if (senderDomain !== domain && !senderDomain.endsWith(`.${domain}`)) {
        problems.push(`${CONTEXT_KEYS.senderAddress} must be at ${domain} (the SES identity) or a subdomain of it`);
      }
    }
  }
  const nation = text('nation');
  if (nation !== undefined && !isNation(nation)) {
    problems.push(`${CONTEXT_KEYS.nation} must be one of ${NATIONS.join(', ')}`);
  }

  // `cdk synth -c rightsdesk:customDomain=false` passes a string; cdk.json passes a boolean.
  let customDomain = true;
  const rawCustomDomain = raw.customDomain;
  if (rawCustomDomain === false || rawCustomDomain === 'false') customDomain = false;
  else if (rawCustomDomain !== undefined && rawCustomDomain !== true && rawCustomDomain !== 'true') {
    problems.push(`${CONTEXT_KEYS.customDomain} must be true or false`);
  }

  const rawLimit = raw.mailDailyLimit;
  const mailDailyLimit = rawLimit === undefined ? DEFAULT_MAIL_DAILY_LIMIT : Number(rawLimit);
  if (!Number.isInteger(mailDailyLimit) || mailDailyLimit < 1 || mailDailyLimit > 100) {
    problems.push(`${CONTEXT_KEYS.mailDailyLimit} must be a whole number from 1 to 100`);
  }

  const optionalText = (field: 'staffDomainPrefix' | 'initialDpoEmail'): string | undefined => {
    const value = raw[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`${CONTEXT_KEYS[field]} must be a string`);
      return undefined;
    }
    return value.trim();
  };
  const staffDomainPrefix = optionalText('staffDomainPrefix');
  if (staffDomainPrefix !== undefined && (!LABEL.test(staffDomainPrefix) || /aws|amazon|cognito/.test(staffDomainPrefix))) {
    problems.push(`${CONTEXT_KEYS.staffDomainPrefix} must be lower-case letters, digits and hyphens (at most 63), without "aws", "amazon" or "cognito"`);
  }
  const initialDpoEmail = optionalText('initialDpoEmail');
  if (initialDpoEmail !== undefined && !isEmailAddress(initialDpoEmail)) {
    problems.push(`${CONTEXT_KEYS.initialDpoEmail} must be an email address`);
  }

  const retention: { -readonly [K in keyof RetentionSchedule]: number } = { ...RETENTION };
  for (const field of Object.keys(RETENTION_KEYS) as (keyof RetentionSchedule)[]) {
    const key = RETENTION_KEYS[field];
    const value = raw[key];
    if (value === undefined || value === null || value === '') continue;
    const n = Number(value);
    const [min, max] = RETENTION_BOUNDS[field];
    if (typeof value === 'boolean' || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`${CONTEXT_KEYS[key]} must be a whole number from ${String(min)} to ${String(max)}`);
    } else retention[field] = n;
  }

  if (problems.length > 0) {
    throw new ConfigError(`Invalid Rightsdesk configuration (CDK context, see cdk.json):\n  - ${problems.join('\n  - ')}`);
  }
  return {
    domain: domain!,
    dpoAddress: dpoAddress!,
    teamAddress: teamAddress!,
    senderAddress: senderAddress!,
    nation: nation as Nation,
    customDomain,
    ...(customDomain ? { publicBaseUrl: `https://${domain!}` } : {}),
    mailDailyLimit,
    ...(staffDomainPrefix !== undefined ? { staffDomainPrefix } : {}),
    // Lower-cased: the address becomes the username and the actor (staff:<email>) in case histories.
    ...(initialDpoEmail !== undefined ? { initialDpoEmail: initialDpoEmail.toLowerCase() } : {}),
    retention,
  };
}

/** Reads and validates the configuration from `scope`'s CDK context. */
export function readConfig(scope: IConstruct): RightsdeskConfig {
  const get = (key: string): unknown => scope.node.tryGetContext(key);
  return parseConfig({
    domain: get(CONTEXT_KEYS.domain),
    dpoAddress: get(CONTEXT_KEYS.dpoAddress),
    teamAddress: get(CONTEXT_KEYS.teamAddress),
    senderAddress: get(CONTEXT_KEYS.senderAddress),
    nation: get(CONTEXT_KEYS.nation),
    customDomain: get(CONTEXT_KEYS.customDomain),
    mailDailyLimit: get(CONTEXT_KEYS.mailDailyLimit),
    staffDomainPrefix: get(CONTEXT_KEYS.staffDomainPrefix),
    initialDpoEmail: get(CONTEXT_KEYS.initialDpoEmail),
    retentionCaseYears: get(CONTEXT_KEYS.retentionCaseYears),
    retentionRejectedDays: get(CONTEXT_KEYS.retentionRejectedDays),
    retentionAccountabilityYears: get(CONTEXT_KEYS.retentionAccountabilityYears),
  });
}
