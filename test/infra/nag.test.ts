import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app';
import { ENV_NAMES } from '#infra/env-names';
import { ServiceFunction } from '#infra/service-function';
import { acknowledgements, nagFindings, TEST_CONTEXT } from './support';

const ECHO = fileURLToPath(new URL('../fixtures/lambda/echo.ts', import.meta.url));

/** The real app, plus a ServiceFunction bound to everything (the app has none yet). */
function appWithFunction() {
  const built = buildApp({ context: TEST_CONTEXT, env: {}, nag: false });
  const { storage } = built.stack;
  new ServiceFunction(built.stack, 'Probe', { entry: ECHO, serviceName: 'probe', key: storage.key })
    .bindCases(storage.casesTable)
    .bindBucket(ENV_NAMES.RAW_MAIL_BUCKET, storage.rawMailBucket, 'read')
    .bindBucket(ENV_NAMES.FILES_BUCKET, storage.filesBucket, 'readWrite')
    .bindBucket(ENV_NAMES.REPORTS_BUCKET, storage.reportsBucket, 'write');
  return built;
}

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding in the Rightsdesk stack', () => {
    const { stack } = buildApp({ context: TEST_CONTEXT, env: {}, nag: false });
    expect(nagFindings(stack)).toEqual([]);
  });

  it('has no unacknowledged finding with a bound ServiceFunction in the stack', () => {
    expect(nagFindings(appWithFunction().stack)).toEqual([]);
  });

  it('every acknowledgement names one rule (IAM5: one finding) and gives a specific reason', () => {
    const acks = acknowledgements(appWithFunction().app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      if (ack.id.startsWith('AwsSolutions-IAM5')) expect(ack.id, `${ack.path}: IAM5 must name the finding`).toMatch(/\[.+\]$/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(80);
      expect(ack.reason, `${ack.path} ${ack.id}`).not.toMatch(/^(not needed|n\/a|none|ok|todo|fine|suppressed)\b/i);
    }
  });

  it('is registered on the app and fails synthesis on an unacknowledged finding', () => {
    const { app, stack } = buildApp({ context: TEST_CONTEXT, env: {} });
    new s3.Bucket(stack, 'CarelessBucket'); // no access logs, no TLS-only policy
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
    // A whole synthesis with the plugin: tens of seconds on a loaded machine.
  }, 120_000);

  it('lets the real app synthesise with the plugin registered', () => {
    const { stack } = buildApp({ context: TEST_CONTEXT, env: {} });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
