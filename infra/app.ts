/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`): one stack, `Rightsdesk`, in eu-west-2.
 * Synthesis fails for any other region, with an invalid configuration, with a residency
 * violation anywhere in the tree, or with an unacknowledged cdk-nag AwsSolutions finding.
 */
import { pathToFileURL } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, readConfig } from './config';
import { enforceResidency, ResidencyError, resolveRegion } from './residency';
import { RightsdeskStack } from './stack';

export const STACK_NAME = 'Rightsdesk';

export interface BuildAppOptions {
  /** A region requested in code; anything but eu-west-2 throws. */
  readonly region?: string;
  /** CDK context (tests); under the CLI the context comes from cdk.json and `-c`. */
  readonly context?: Record<string, unknown>;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Output directory (tests). @default - the CLI's, or a temporary directory */
  readonly outdir?: string;
  /**
   * Register cdk-nag's AwsSolutions pack as a synthesis validation plugin.
   * @default true
   */
  readonly nag?: boolean;
}

export function buildApp(options: BuildAppOptions = {}): { app: App; stack: RightsdeskStack } {
  const env = options.env ?? process.env;
  const app = new App({ context: options.context, outdir: options.outdir });
  const region = resolveRegion({ region: options.region, contextRegion: app.node.tryGetContext('region'), env });
  const config = readConfig(app);

  const stack = new RightsdeskStack(app, STACK_NAME, {
    env: { region, account: env.CDK_DEFAULT_ACCOUNT },
    description: 'Rightsdesk: UK GDPR data-subject rights requests for Icetrak Ltd (eu-west-2 only)',
    terminationProtection: true,
    config,
  });

  enforceResidency(app);
  if (options.nag ?? true) {
    // cdk-nag 3 runs as a policy-validation plugin (it replaced the v2 Aspect): findings fail
    // `cdk synth` unless acknowledged with Validations.of(construct).acknowledge({ id, reason }).
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stack };
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // An operator's mistake: print the message (it names the key or the region), not a stack trace.
    if (!(error instanceof ResidencyError || error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
