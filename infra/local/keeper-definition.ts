/**
 * The stack's state machine definitions (the deadline keeper, the search workflow of issue 14 and the
 * plan execution of issue 15: one builder for all) exactly as the CDK app synthesises them, for
 * running locally in aws-local-stepfunctions (DESIGN.md, Local stack). Not a hand copy: the
 * real app is built in-process (bundling skipped, no cdk-nag), and the state machine's
 * DefinitionString property is resolved from the construct, as it goes into the template.
 *
 * CloudFormation references in it (the task functions' ARNs) become local placeholder ARNs;
 * each Task state is mapped to the handler module the construct deploys for it (its manifest entry),
 * and a Task without one is refused, because aws-local-stepfunctions would call real AWS.
 * TOOLCHAIN.md's two quirks are removed: a top-level TimeoutSeconds longer than a timer can
 * hold, and an explicit `"ResultPath": "$"`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { buildApp } from '#infra/app';
import type { ServiceFunction } from '#infra/service-function';
import { LOCAL_ACCOUNT } from './lambda-context';
import { LOCAL_REGION } from './emulators';

/** An Amazon States Language document (the subset this module reads). */
export interface AslState {
  Type: string;
  Resource?: string;
  ResultPath?: string | null;
  Next?: string;
  [field: string]: unknown;
}
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}

export interface KeeperDefinition {
  /** Ready for aws-local-stepfunctions. */
  readonly definition: AslDefinition;
  /** Task state name → handler module, relative to the repository root (Lambda tasks, nested ones included). */
  readonly tasks: Readonly<Record<string, string>>;
  /**
   * Task state name → the service integration it calls (e.g. `arn:aws:states:::athena:startQueryExecution.sync`):
   * no handler module exists for these; the local stack answers them with an injected hook.
   */
  readonly serviceTasks: Readonly<Record<string, string>>;
}

/** The state machines of the stack, and what the local stack runs of each. */
export type LocalStateMachine = 'keeper' | 'search' | 'execution';

/** setTimeout's ceiling (about 24.8 days): a longer execution timeout fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const cached = new Map<LocalStateMachine, KeeperDefinition>();

/** The synthesised definition of one of the stack's state machines (the app built once per process, about a second). */
export function synthesizedDefinition(repoRoot: string, machine: LocalStateMachine): KeeperDefinition {
  const hit = cached.get(machine);
  if (hit) return hit;
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  // env: {} so a developer's AWS_REGION cannot trip the residency guard; the stack is pinned anyway.
  const { stack } = buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }, env: {}, nag: false });
  for (const [name, built] of [
    ['keeper', stack.keeper],
    ['search', stack.fulfilment],
    ['execution', stack.planExecution],
  ] as const) {
    cached.set(
      name,
      definitionOf(built.stateMachine, built.taskFunctions, name === 'keeper' ? 'lambdas/deadlines/manifest.ts' : 'lambdas/fulfilment/manifest.ts'),
    );
  }
  return cached.get(machine)!;
}

/** The synthesised keeper definition. */
export function synthesizedKeeperDefinition(repoRoot: string): KeeperDefinition {
  return synthesizedDefinition(repoRoot, 'keeper');
}

/**
 * A state machine's definition as its stack synthesises it, for a local run: the resolved
 * DefinitionString with local stand-ins for CloudFormation references, and each Lambda Task state
 * (at any depth: a Map's states too) mapped to the handler module of the function it invokes.
 */
export function definitionOf(
  stateMachine: sfn.StateMachine,
  taskFunctions: Readonly<Record<string, ServiceFunction>>,
  manifest: string,
): KeeperDefinition {
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const text = renderCfnString(
    Stack.of(stateMachine).resolve(cfn.definitionString),
    (logicalId) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`,
  );
  const definition = forLocalRun(JSON.parse(text) as AslDefinition);

  const tasks: Record<string, string> = {};
  const serviceTasks: Record<string, string> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    const built: ServiceFunction | undefined = taskFunctions[name];
    if (!built && state.Resource?.startsWith('arn:aws:states:::') && !state.Resource.startsWith('arn:aws:states:::lambda:')) {
      serviceTasks[name] = state.Resource;
      continue;
    }
    const entry = built?.spec?.entry;
    const fn = built?.fn.node.defaultChild as lambda.CfnFunction | undefined;
    if (!entry || !fn) throw new Error(`Task state "${name}" has no handler: add it to ${manifest}.`);
    const logicalId = Stack.of(fn).resolve(Stack.of(fn).getLogicalId(fn)) as string;
    if (!state.Resource?.endsWith(`:function:${logicalId}`)) {
      throw new Error(`Task state "${name}" does not invoke the function built for ${entry}.`);
    }
    tasks[name] = entry;
  }
  return { definition, tasks, serviceTasks };
}

/** Every state of a definition with its name, nested states (a Map's, a Parallel's branches) included. */
export function allStates(definition: AslDefinition): Array<[string, AslState]> {
  const out: Array<[string, AslState]> = [];
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      out.push([name, state]);
      for (const nested of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) {
        if (nested && typeof nested === 'object' && 'States' in nested) visit((nested as AslDefinition).States);
      }
    }
  };
  visit(definition.States);
  return out;
}

/**
 * Renders a resolved CloudFormation string (a literal, or Fn::Join of literals, Refs and
 * Fn::GetAtt) with local stand-ins: `attr(logicalId)` for a resource attribute, the local
 * region, account and partition for the pseudo parameters.
 */
export function renderCfnString(value: unknown, attr: (logicalId: string) => string): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o?.['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => renderCfnString(p, attr)).join(sep);
  }
  if (Array.isArray(o?.['Fn::GetAtt'])) return attr(String((o['Fn::GetAtt'] as unknown[])[0]));
  if (typeof o?.Ref === 'string') {
    const pseudo: Record<string, string> = {
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[o.Ref] ?? attr(o.Ref);
  }
  throw new Error(`Cannot render ${JSON.stringify(value)} locally.`);
}

/** Removes what aws-local-stepfunctions mishandles (TOOLCHAIN.md); the rest is untouched. */
export function forLocalRun(definition: AslDefinition): AslDefinition {
  const copy = structuredClone(definition);
  if (copy.TimeoutSeconds !== undefined && copy.TimeoutSeconds * 1000 > MAX_TIMER_MS) delete copy.TimeoutSeconds;
  const visit = (states: Record<string, AslState>) => {
    for (const state of Object.values(states)) {
      if (state.ResultPath === '$') delete state.ResultPath; // "$" is the default; locally it would be a literal key
      for (const nested of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) {
        if (nested && typeof nested === 'object' && 'States' in nested) visit((nested as AslDefinition).States);
      }
    }
  };
  visit(copy.States);
  return copy;
}
