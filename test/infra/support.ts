/** Helpers shared by the infra tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { vi } from 'vitest';
import { buildApp } from '#infra/app';
import { ENV_NAMES } from '#infra/env-names';
import { HandlerResources } from '#infra/handler-resources';
import { OutboundMail } from '#infra/outbound-mail';
import { Storage } from '#infra/storage';
import type { Setting } from '#lambdas/manifest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** cdk.json's context (configuration and feature flags), so tests synthesise what `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = (JSON.parse(readFileSync(`${REPO_ROOT}cdk.json`, 'utf8')) as { context: Record<string, unknown> })
  .context;

/** Skips NodejsFunction bundling (esbuild) for every stack. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export const TEST_CONTEXT = { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING };

/** A throwaway stack pinned to London, for testing one construct. */
export function londonStack(context: Record<string, unknown> = TEST_CONTEXT): Stack {
  return new Stack(new App({ context }), 'Test', { env: { region: 'eu-west-2' } });
}

/** Unacknowledged cdk-nag AwsSolutions findings under `scope`, one line each. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}: ${v.description}`));
}

export interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every Validations.of(x).acknowledge() under `scope`. */
export function acknowledgements(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** Logical ids of the resources of `type` in a synthesised template. */
export function logicalIdsOf(template: { findResources(type: string): Record<string, unknown> }, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/** Logical ids `value` refers to (Ref, Fn::GetAtt, and ${Id} / ${Id.Attr} in Fn::Sub), pseudo parameters aside. */
function referencedIds(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof v === 'string') out.add(v);
      else if (key === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) out.add(m[1]!);
        if (Array.isArray(v)) referencedIds(v[1], out);
      } else referencedIds(v, out);
    }
  }
  return out;
}

/**
 * A dependency cycle among the resources of a synthesised template (CloudFormation rejects
 * one at deploy time; CDK does not look), as logical ids, or undefined.
 */
export function dependencyCycle(template: { toJSON(): Record<string, unknown> }): string[] | undefined {
  const resources = (template.toJSON().Resources ?? {}) as Record<string, { DependsOn?: string | string[] }>;
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = referencedIds({ ...resource, DependsOn: undefined });
    for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
    edges.set(
      id,
      [...deps].filter((d) => d in resources),
    );
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * What a token in the template resolves to at deploy time, for the variables whose value has a
 * form the cold start checks: the staff issuer is the user pool's URL, the client id Cognito's.
 */
const DEPLOY_TIME_VALUES: Readonly<Record<string, string>> = {
  STAFF_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEfGhI',
  STAFF_CLIENT_ID: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
};

/** A Lambda environment from the template as it would be at deploy time: tokens become plausible values. */
export function deployTimeEnv(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : (DEPLOY_TIME_VALUES[name] ??
          (name.endsWith('_ARN') ? 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:RightsdeskSigningKey-AbCdEf' : `Rightsdesk-${name}-1A2B3C`)),
    ]),
  );
}

/**
 * Imports a handler module afresh with exactly `env` among the variables the stack manages
 * (every ENV_NAMES entry plus the local-only SIGNING_KEY and SIGNING_KEY_PREVIOUS), as a cold start in AWS would.
 * Call `vi.unstubAllEnvs()` after each test.
 */
export async function coldStart(entry: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  for (const name of [...Object.values(ENV_NAMES), 'SIGNING_KEY', 'SIGNING_KEY_PREVIOUS']) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return (await import(fileURLToPath(new URL(`../../${entry}`, import.meta.url)))) as Record<string, unknown>;
}

/** A synthesised template's resources, for assertions a matcher cannot express. */
export type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string }>;

/** One IAM policy statement as it appears in a synthesised template. */
export interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

/**
 * The whole app as `cdk synth` builds it (bundling skipped, cdk-nag left to its own tests):
 * the stack, its template and resources, and `logicalId` of any construct's CloudFormation resource.
 */
export function synthesisedApp(context: Record<string, unknown> = TEST_CONTEXT) {
  const { app, stack } = buildApp({ context, env: {}, nag: false });
  const template = Template.fromStack(stack);
  const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  return { app, stack, template, resources: template.toJSON().Resources as Resources, logicalId };
}

/**
 * Storage, OutboundMail and a seeded HandlerResources in `stack`, for testing one context
 * construct on its own. Starting keepers is a stand-in (the ARN only, no grant) unless
 * `keeperStandIn` is false (a DeadlineKeeper under test provides itself); the
 * construct under test provides what it makes itself (the API its signing key and URL, the
 * keeper its offsets).
 */
export function standaloneResources(
  stack: Stack,
  settings: Partial<Record<Setting, string>> = {},
  opts: { keeperStandIn?: boolean; searchStandIn?: boolean; executionStandIn?: boolean } = {},
) {
  const storage = new Storage(stack, 'Storage');
  const mail = new OutboundMail(stack, 'Mail', {
    domain: CDK_JSON_CONTEXT['rightsdesk:domain'] as string,
    senderAddress: CDK_JSON_CONTEXT['rightsdesk:senderAddress'] as string,
  });
  const resources = new HandlerResources(stack, {
    casesTable: storage.casesTable,
    rawMailBucket: storage.rawMailBucket,
    filesBucket: storage.filesBucket,
    reportsBucket: storage.reportsBucket,
    mail,
    ...((opts.keeperStandIn ?? true) && {
      keeper: { bindStarter: (fn) => fn.bindEnv(ENV_NAMES.KEEPER_STATE_MACHINE_ARN, 'arn:aws:states:eu-west-2:111111111111:stateMachine:Test') },
    }),
    // Starting searches (the act handlers): the ARN only, unless a Fulfilment under test provides itself.
    ...((opts.searchStandIn ?? true) && {
      search: { bindStarter: (fn) => fn.bindEnv(ENV_NAMES.SEARCH_STATE_MACHINE_ARN, 'arn:aws:states:eu-west-2:111111111111:stateMachine:SearchTest') },
    }),
    // Starting plan executions (the act handlers; issue 15): the ARN only, unless a PlanExecutionWorkflow under test provides itself.
    ...((opts.executionStandIn ?? true) && {
      execution: {
        bindStarter: (fn) => fn.bindEnv(ENV_NAMES.EXECUTION_STATE_MACHINE_ARN, 'arn:aws:states:eu-west-2:111111111111:stateMachine:ExecutionTest'),
      },
    }),
    settings: {
      DPO_ADDRESS: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'] as string,
      TEAM_ADDRESS: CDK_JSON_CONTEXT['rightsdesk:teamAddress'] as string,
      NATION: CDK_JSON_CONTEXT['rightsdesk:nation'] as string,
      MAIL_DAILY_LIMIT: '4',
      RETENTION_CASE_YEARS: '6',
      RETENTION_REJECTED_DAYS: '90',
      RETENTION_ACCOUNTABILITY_YEARS: '6',
      ...settings,
    },
  });
  return { storage, mail, resources };
}
