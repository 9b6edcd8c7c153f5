import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app';
import { ConfigError, parseConfig } from '#infra/config';
import { CDK_JSON_CONTEXT, SKIP_BUNDLING } from './support';

const valid = {
  domain: 'privacy.icetrak.net',
  dpoAddress: 'dpo@icetrak.net',
  teamAddress: 'dpo-team@icetrak.net',
  senderAddress: 'no-reply@privacy.icetrak.net',
  nation: 'scotland',
};

describe('parseConfig', () => {
  it('accepts a valid configuration and derives the public base URL (custom domain on by default)', () => {
    expect(parseConfig(valid)).toEqual({
      ...valid,
      customDomain: true,
      publicBaseUrl: 'https://privacy.icetrak.net',
      mailDailyLimit: 4,
      retention: { caseYears: 6, rejectedDays: 90, accountabilityYears: 6 },
    });
  });

  it('takes the retention schedule from context, as numbers or strings (-c), each period alone', () => {
    expect(parseConfig({ ...valid, retentionCaseYears: 10, retentionRejectedDays: '30', retentionAccountabilityYears: '8' }).retention).toEqual({
      caseYears: 10,
      rejectedDays: 30,
      accountabilityYears: 8,
    });
    expect(parseConfig({ ...valid, retentionRejectedDays: 14 }).retention).toEqual({ caseYears: 6, rejectedDays: 14, accountabilityYears: 6 });
  });

  it.each([
    ['retentionCaseYears', 0, /rightsdesk:retentionCaseYears must be a whole number from 1 to 20/],
    ['retentionCaseYears', 21, /rightsdesk:retentionCaseYears must be a whole number from 1 to 20/],
    ['retentionCaseYears', 'six', /rightsdesk:retentionCaseYears must be a whole number from 1 to 20/],
    ['retentionRejectedDays', 6, /rightsdesk:retentionRejectedDays must be a whole number from 7 to 365/],
    ['retentionRejectedDays', 1.5, /rightsdesk:retentionRejectedDays must be a whole number from 7 to 365/],
    ['retentionAccountabilityYears', true, /rightsdesk:retentionAccountabilityYears must be a whole number from 1 to 20/],
  ])('rejects %s = %j', (key, raw, message) => {
    expect(() => parseConfig({ ...valid, [key]: raw })).toThrow(message);
  });

  it.each([
    [10, 10],
    ['2', 2],
  ])('takes the daily mail limit per recipient from context (%j)', (raw, limit) => {
    expect(parseConfig({ ...valid, mailDailyLimit: raw }).mailDailyLimit).toBe(limit);
  });

  it.each([0, 101, 'lots', 2.5])('rejects a daily mail limit of %j', (raw) => {
    expect(() => parseConfig({ ...valid, mailDailyLimit: raw })).toThrow(/rightsdesk:mailDailyLimit must be a whole number from 1 to 100/);
  });

  it.each([false, 'false'])('without the custom domain (%j) leaves the public base URL to the stack', (customDomain) => {
    const config = parseConfig({ ...valid, customDomain });
    expect(config.customDomain).toBe(false);
    expect(config.publicBaseUrl).toBeUndefined();
  });

  it.each([true, 'true'])('accepts customDomain %j', (customDomain) => {
    expect(parseConfig({ ...valid, customDomain }).publicBaseUrl).toBe('https://privacy.icetrak.net');
  });

  it('rejects a customDomain that is not true or false', () => {
    expect(() => parseConfig({ ...valid, customDomain: 'yes' })).toThrow(/rightsdesk:customDomain must be true or false/);
  });

  it('accepts the values in cdk.json', () => {
    expect(() =>
      parseConfig({
        domain: CDK_JSON_CONTEXT['rightsdesk:domain'],
        dpoAddress: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'],
        teamAddress: CDK_JSON_CONTEXT['rightsdesk:teamAddress'],
        senderAddress: CDK_JSON_CONTEXT['rightsdesk:senderAddress'],
        nation: CDK_JSON_CONTEXT['rightsdesk:nation'],
      }),
    ).not.toThrow();
  });

  it('names a missing key', () => {
    expect(() => parseConfig({ ...valid, dpoAddress: undefined })).toThrow(/rightsdesk:dpoAddress is missing/);
    expect(() => parseConfig({ ...valid, teamAddress: undefined })).toThrow(/rightsdesk:teamAddress is missing/);
  });

  it('sends staff notices to a team inbox that is not the DPO mailbox (cdk.json too)', () => {
    expect(parseConfig(valid).teamAddress).toBe('dpo-team@icetrak.net');
    expect(CDK_JSON_CONTEXT['rightsdesk:teamAddress']).toEqual(expect.any(String));
    expect(String(CDK_JSON_CONTEXT['rightsdesk:teamAddress']).toLowerCase()).not.toBe(String(CDK_JSON_CONTEXT['rightsdesk:dpoAddress']).toLowerCase());
  });

  it.each(['dpo@icetrak.net', 'DPO@Icetrak.NET', ' dpo@icetrak.net '])(
    'refuses the DPO mailbox as the team address (%j): the notices would loop into the intake',
    (teamAddress) => {
      expect(() => parseConfig({ ...valid, teamAddress })).toThrow(
        /rightsdesk:teamAddress must differ from rightsdesk:dpoAddress: .*loop into Rightsdesk's own intake.*never reach a person/,
      );
    },
  );

  it('lists the nations when the nation is unknown', () => {
    expect(() => parseConfig({ ...valid, nation: 'wales' })).toThrow(/rightsdesk:nation must be one of england-and-wales, scotland, northern-ireland/);
  });

  it.each([
    ['domain', { domain: 'not a domain' }, /rightsdesk:domain must be a DNS host name/],
    ['domain', { domain: 'localhost' }, /rightsdesk:domain must be a DNS host name/],
    ['dpoAddress', { dpoAddress: 'dpo-at-icetrak.net' }, /rightsdesk:dpoAddress must be an email address/],
    ['teamAddress', { teamAddress: 'dpo team@icetrak.net' }, /rightsdesk:teamAddress must be an email address/],
    ['teamAddress', { teamAddress: 42 }, /rightsdesk:teamAddress must be a string/],
    ['senderAddress', { senderAddress: 'no-reply@gmail.com' }, /rightsdesk:senderAddress must be at privacy\.icetrak\.net/],
    ['nation', { nation: 42 }, /rightsdesk:nation must be a string/],
  ])('rejects an invalid %s', (_field, override, message) => {
    expect(() => parseConfig({ ...valid, ...override })).toThrow(message);
  });

  it('accepts a sender on a subdomain of the domain', () => {
    expect(parseConfig({ ...valid, senderAddress: 'cases@mail.privacy.icetrak.net' }).senderAddress).toBe('cases@mail.privacy.icetrak.net');
  });

  it('reports every problem at once', () => {
    try {
      parseConfig({ domain: '', dpoAddress: 'x', teamAddress: undefined, senderAddress: undefined, nation: 'mars' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('rightsdesk:domain is missing');
      expect(message).toContain('rightsdesk:dpoAddress must be an email address');
      expect(message).toContain('rightsdesk:teamAddress is missing');
      expect(message).toContain('rightsdesk:senderAddress is missing');
      expect(message).toContain('rightsdesk:nation must be one of');
    }
  });
});

describe('buildApp configuration', () => {
  it('fails when the context lacks the Rightsdesk keys', () => {
    expect(() => buildApp({ context: SKIP_BUNDLING, env: {} })).toThrow(ConfigError);
  });

  it('fails synthesis when the team address is the DPO mailbox', () => {
    const context = { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING, 'rightsdesk:teamAddress': CDK_JSON_CONTEXT['rightsdesk:dpoAddress'] };
    expect(() => buildApp({ context, env: {}, nag: false })).toThrow(/rightsdesk:teamAddress must differ/);
  });

  it('exposes the validated configuration on the stack', () => {
    const { stack } = buildApp({ context: { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING }, env: {}, nag: false });
    expect(stack.config.dpoAddress).toBe(CDK_JSON_CONTEXT['rightsdesk:dpoAddress']);
    expect(stack.config.teamAddress).toBe(CDK_JSON_CONTEXT['rightsdesk:teamAddress']);
    expect(stack.config.nation).toBe(CDK_JSON_CONTEXT['rightsdesk:nation']);
  });
});
