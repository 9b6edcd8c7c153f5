import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app';
import { parseConfig } from '#infra/config';
import { enforceResidency, foreignRegionsIn, LONDON, residencyViolations, resolveRegion, ResidencyError } from '#infra/residency';
import { RightsdeskStack } from '#infra/stack';
import { CDK_JSON_CONTEXT, TEST_CONTEXT } from './support';

const config = parseConfig({
  domain: CDK_JSON_CONTEXT['rightsdesk:domain'],
  dpoAddress: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'],
  teamAddress: CDK_JSON_CONTEXT['rightsdesk:teamAddress'],
  senderAddress: CDK_JSON_CONTEXT['rightsdesk:senderAddress'],
  nation: CDK_JSON_CONTEXT['rightsdesk:nation'],
});

describe('resolveRegion', () => {
  it('is eu-west-2 when nothing asks for a region', () => {
    expect(resolveRegion({ env: {} })).toBe('eu-west-2');
  });

  it('accepts every source set to eu-west-2', () => {
    const env = { AWS_REGION: LONDON, AWS_DEFAULT_REGION: LONDON, CDK_DEFAULT_REGION: LONDON };
    expect(resolveRegion({ region: LONDON, contextRegion: LONDON, env })).toBe(LONDON);
  });

  it.each([
    ['the region option', { region: 'eu-west-1', env: {} }],
    ["the CDK context value 'region'", { contextRegion: 'us-east-1', env: {} }],
    ['AWS_REGION', { env: { AWS_REGION: 'eu-central-1' } }],
    ['AWS_DEFAULT_REGION', { env: { AWS_DEFAULT_REGION: 'us-west-2' } }],
    ['CDK_DEFAULT_REGION', { env: { CDK_DEFAULT_REGION: 'us-east-1' } }],
  ])('refuses %s pointing elsewhere, naming eu-west-2 and the source', (source, sources) => {
    expect(() => resolveRegion(sources)).toThrow(ResidencyError);
    expect(() => resolveRegion(sources)).toThrow(/eu-west-2/);
    expect(() => resolveRegion(sources)).toThrow(source);
  });

  it('ignores CDK_DEFAULT_REGION under the CDK CLI, which overwrites it with its own guess (us-east-1 when nothing is configured)', () => {
    expect(resolveRegion({ env: { CDK_CLI_VERSION: '2.1148.1', CDK_DEFAULT_REGION: 'us-east-1' } })).toBe(LONDON);
  });

  it('still refuses AWS_REGION and context region under the CDK CLI', () => {
    expect(() => resolveRegion({ env: { CDK_CLI_VERSION: '2.1148.1', AWS_REGION: 'eu-west-1' } })).toThrow(/eu-west-2/);
    expect(() => resolveRegion({ contextRegion: 'eu-west-1', env: { CDK_CLI_VERSION: '2.1148.1' } })).toThrow(/eu-west-2/);
  });
});

describe('buildApp refuses other regions', () => {
  it('builds the Rightsdesk stack in eu-west-2', () => {
    const { app, stack } = buildApp({ context: TEST_CONTEXT, env: {}, nag: false });
    expect(stack.region).toBe('eu-west-2');
    expect(app.synth().getStackArtifact(stack.artifactId).environment.region).toBe('eu-west-2');
  });

  it('throws for an explicit region', () => {
    expect(() => buildApp({ region: 'eu-west-1', context: TEST_CONTEXT, env: {} })).toThrow(/eu-west-2/);
  });

  it('throws for CDK_DEFAULT_REGION set elsewhere', () => {
    expect(() => buildApp({ context: TEST_CONTEXT, env: { CDK_DEFAULT_REGION: 'us-east-1' } })).toThrow(/eu-west-2/);
  });

  it('throws for AWS_REGION set elsewhere', () => {
    expect(() => buildApp({ context: TEST_CONTEXT, env: { AWS_REGION: 'eu-north-1' } })).toThrow(/eu-west-2/);
  });

  it("throws for the context value 'region' set elsewhere", () => {
    expect(() => buildApp({ context: { ...TEST_CONTEXT, region: 'eu-south-2' }, env: {} })).toThrow(/eu-west-2/);
  });
});

describe('RightsdeskStack guard', () => {
  it('throws when pinned to another region', () => {
    expect(() => new RightsdeskStack(new App(), 'Rightsdesk', { env: { region: 'us-east-1' }, config })).toThrow(/eu-west-2.*targets us-east-1/s);
  });

  it('throws when region-agnostic', () => {
    expect(() => new RightsdeskStack(new App(), 'Rightsdesk', { config })).toThrow(/region-agnostic.*eu-west-2/s);
  });
});

describe('enforceResidency (synthesis-time validation)', () => {
  const appWithLondonStack = () => {
    const app = new App();
    enforceResidency(app);
    return { app, stack: new Stack(app, 'London', { env: { region: LONDON } }) };
  };

  it('lets a London-only app synthesise', () => {
    const { app, stack } = appWithLondonStack();
    new s3.Bucket(stack, 'Bucket');
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis for a resource that refers to another region', () => {
    const { app, stack } = appWithLondonStack();
    new CfnResource(stack, 'Subscription', {
      type: 'AWS::SNS::Subscription',
      properties: { Protocol: 'sqs', TopicArn: 'arn:aws:sns:us-east-1:123456789012:elsewhere', Endpoint: 'x' },
    });
    expect(() => app.synth()).toThrow(/eu-west-2 only: AWS::SNS::Subscription "London\/Subscription" refers to us-east-1/);
  });

  it('fails synthesis for a second stack in another region', () => {
    const { app } = appWithLondonStack();
    new Stack(app, 'Virginia', { env: { region: 'us-east-1' } });
    expect(() => app.synth()).toThrow(/stack "Virginia" targets us-east-1/);
  });

  it('fails synthesis for a region-agnostic stack', () => {
    const { app } = appWithLondonStack();
    new Stack(app, 'Anywhere');
    expect(() => app.synth()).toThrow(/stack "Anywhere" is region-agnostic/);
  });

  it('fails synthesis for S3 replication', () => {
    const { app, stack } = appWithLondonStack();
    const destination = new s3.Bucket(stack, 'Destination', { versioned: true });
    new s3.Bucket(stack, 'Source', {
      versioned: true,
      replicationRules: [{ destination, priority: 1 }],
      lifecycleRules: [{ expiration: Duration.days(1) }],
    });
    expect(residencyViolations(app)).toEqual([expect.stringMatching(/bucket "London\/Source\/Resource" replicates objects/)]);
    expect(() => app.synth()).toThrow(/replicates objects/);
  });

  it('finds foreign region names, including availability zones and GovCloud, but not eu-west-2', () => {
    expect(foreignRegionsIn({ Principal: 'logs.eu-west-2.amazonaws.com', Az: 'eu-west-2a' })).toEqual([]);
    expect(foreignRegionsIn(['eu-west-1a', 'arn:aws-us-gov:s3:us-gov-west-1:x', 'ap-southeast-2'])).toEqual([
      'ap-southeast-2',
      'eu-west-1',
      'us-gov-west-1',
    ]);
  });
});
