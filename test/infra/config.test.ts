import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { ConfigError, parseConfig } from '../../infra/config';
import { CDK_JSON_CONTEXT, SKIP_BUNDLING } from './support';

const valid = {
  domain: 'privacy.icetrak.net',
  dpoAddress: 'dpo@icetrak.net',
  senderAddress: 'no-reply@privacy.icetrak.net',
  nation: 'scotland',
};

describe('parseConfig', () => {
  it('accepts a valid configuration and derives the public base URL (custom domain on by default)', () => {
    expect(parseConfig(valid)).toEqual({ ...valid, customDomain: true, publicBaseUrl: 'https://privacy.icetrak.net' });
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
        senderAddress: CDK_JSON_CONTEXT['rightsdesk:senderAddress'],
        nation: CDK_JSON_CONTEXT['rightsdesk:nation'],
      }),
    ).not.toThrow();
  });

  it('names a missing key', () => {
    expect(() => parseConfig({ ...valid, dpoAddress: undefined })).toThrow(/rightsdesk:dpoAddress is missing/);
  });

  it('lists the nations when the nation is unknown', () => {
    expect(() => parseConfig({ ...valid, nation: 'wales' })).toThrow(
      /rightsdesk:nation must be one of england-and-wales, scotland, northern-ireland/,
    );
  });

  it.each([
    ['domain', { domain: 'not a domain' }, /rightsdesk:domain must be a DNS host name/],
    ['domain', { domain: 'localhost' }, /rightsdesk:domain must be a DNS host name/],
    ['dpoAddress', { dpoAddress: 'dpo-at-icetrak.net' }, /rightsdesk:dpoAddress must be an email address/],
    ['senderAddress', { senderAddress: 'no-reply@gmail.com' }, /rightsdesk:senderAddress must be at privacy\.icetrak\.net/],
    ['nation', { nation: 42 }, /rightsdesk:nation must be a string/],
  ])('rejects an invalid %s', (_field, override, message) => {
    expect(() => parseConfig({ ...valid, ...override })).toThrow(message);
  });

  it('accepts a sender on a subdomain of the domain', () => {
    expect(parseConfig({ ...valid, senderAddress: 'cases@mail.privacy.icetrak.net' }).senderAddress).toBe(
      'cases@mail.privacy.icetrak.net',
    );
  });

  it('reports every problem at once', () => {
    try {
      parseConfig({ domain: '', dpoAddress: 'x', senderAddress: undefined, nation: 'mars' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('rightsdesk:domain is missing');
      expect(message).toContain('rightsdesk:dpoAddress must be an email address');
      expect(message).toContain('rightsdesk:senderAddress is missing');
      expect(message).toContain('rightsdesk:nation must be one of');
    }
  });
});

describe('buildApp configuration', () => {
  it('fails when the context lacks the Rightsdesk keys', () => {
    expect(() => buildApp({ context: SKIP_BUNDLING, env: {} })).toThrow(ConfigError);
  });

  it('exposes the validated configuration on the stack', () => {
    const { stack } = buildApp({ context: { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING }, env: {}, nag: false });
    expect(stack.config.dpoAddress).toBe(CDK_JSON_CONTEXT['rightsdesk:dpoAddress']);
    expect(stack.config.nation).toBe(CDK_JSON_CONTEXT['rightsdesk:nation']);
  });
});
