/**
 * UK data residency: every Rightsdesk resource lives in eu-west-2 (London), and the app
 * refuses to synthesise anything else (DESIGN.md, Architecture on AWS).
 *
 * Three layers, each cheap:
 * 1. resolveRegion() rejects an operator's request for another region before any construct
 *    exists (explicit option, context `region`, AWS_REGION / AWS_DEFAULT_REGION, and
 *    CDK_DEFAULT_REGION when the operator set it).
 * 2. assertLondonRegion() makes a stack fail at construction if it is pinned elsewhere or is
 *    region-agnostic (a region-agnostic stack deploys wherever the CLI's profile points).
 * 3. enforceResidency() adds a synthesis-time validation over the whole tree: any stack
 *    outside London, any resource property naming another region (a cross-region ARN,
 *    reference or replica), and any S3 replication configuration fails `synth`.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const LONDON = 'eu-west-2';
export type London = typeof LONDON;

export class ResidencyError extends Error {
  override name = 'ResidencyError';
}

const refusal = (what: string): ResidencyError =>
  new ResidencyError(`Rightsdesk is deployed to ${LONDON} (London) only, for UK data residency; ${what}. ` + `Unset it or set it to ${LONDON}.`);

export interface RegionSources {
  /** A region passed in code (buildApp's `region`, a stack's `env.region`). */
  readonly region?: string;
  /** The CDK context value `region` (`cdk synth -c region=...`). */
  readonly contextRegion?: unknown;
  /** Process environment; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The region to synthesise for: always eu-west-2, or a ResidencyError naming the source that
 * asked for another one.
 *
 * CDK_DEFAULT_REGION is checked only outside the CDK CLI. Under the CLI (CDK_CLI_VERSION is
 * set) the CLI overwrites it with its own guess: AWS_REGION / AWS_DEFAULT_REGION (checked
 * here directly), the profile's region, or a silent `us-east-1` fallback when nothing is
 * configured. That guess cannot move the stack, which is pinned to eu-west-2 explicitly, and
 * rejecting the fallback would make `cdk synth` fail on every machine without an AWS profile.
 */
export function resolveRegion(sources: RegionSources = {}): London {
  const env = sources.env ?? process.env;
  const underCdkCli = Boolean(env.CDK_CLI_VERSION);
  const candidates: Array<[string, unknown]> = [
    ['the region option', sources.region],
    ["the CDK context value 'region'", sources.contextRegion],
    ['AWS_REGION', env.AWS_REGION],
    ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION],
    ...(underCdkCli ? [] : [['CDK_DEFAULT_REGION', env.CDK_DEFAULT_REGION] as [string, unknown]]),
  ];
  for (const [source, value] of candidates) {
    if (value === undefined || value === '') continue;
    if (value !== LONDON) throw refusal(`${source} is ${JSON.stringify(value)}`);
  }
  return LONDON;
}

/** Fails unless `stack` is pinned to eu-west-2 (a region-agnostic stack fails too). */
export function assertLondonRegion(stack: Stack): void {
  const problem = stackRegionProblem(stack);
  if (problem) throw refusal(problem);
}

function stackRegionProblem(stack: Stack): string | undefined {
  if (Token.isUnresolved(stack.region)) {
    return `stack "${stack.node.path}" is region-agnostic (no env.region); pin it with env: { region: '${LONDON}' }`;
  }
  if (stack.region !== LONDON) return `stack "${stack.node.path}" targets ${stack.region}`;
  return undefined;
}

// Every commercial, GovCloud, ISO, China and sovereign-cloud region name, e.g. eu-west-1,
// us-gov-west-1, eusc-de-east-1. An availability zone (eu-west-1a) matches its region.
const REGION_NAME = /\b(?:af|ap|ca|cn|eu|eusc|il|me|mx|sa|us)(?:-gov|-iso|-isob|-isof)?-[a-z]+-\d{1,2}(?!\d)/g;

/** Regions other than eu-west-2 named anywhere in `value` (a resolved template fragment). */
export function foreignRegionsIn(value: unknown): string[] {
  const text = JSON.stringify(value) ?? '';
  return [...new Set(text.match(REGION_NAME) ?? [])].filter((r) => r !== LONDON).sort();
}

/** Every residency problem under `scope`, one message per construct. */
export function residencyViolations(scope: IConstruct): string[] {
  const problems: string[] = [];
  for (const node of scope.node.findAll()) {
    if (Stack.isStack(node)) {
      const problem = stackRegionProblem(node);
      if (problem) problems.push(problem);
    } else if (CfnResource.isCfnResource(node)) {
      const resolved: unknown = Stack.of(node).resolve(node._toCloudFormation());
      const foreign = foreignRegionsIn(resolved);
      if (foreign.length > 0) {
        problems.push(`${node.cfnResourceType} "${node.node.path}" refers to ${foreign.join(', ')}`);
      }
      if (node.cfnResourceType === 'AWS::S3::Bucket' && JSON.stringify(resolved).includes('"ReplicationConfiguration"')) {
        problems.push(`bucket "${node.node.path}" replicates objects; replication may leave ${LONDON}`);
      }
    }
  }
  return problems;
}

/**
 * Makes synthesis of `scope` (normally the App) fail if anything in it leaves eu-west-2.
 * A construct validation, not an Aspect: it runs after `prepare`, so it sees the resolved
 * properties of every resource, including ones added by later constructs and Aspects.
 */
export function enforceResidency(scope: IConstruct): void {
  scope.node.addValidation({
    validate: () => residencyViolations(scope).map((p) => `Rightsdesk is deployed to ${LONDON} only: ${p}.`),
  });
}
