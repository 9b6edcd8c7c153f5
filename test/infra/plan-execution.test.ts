/**
 * The plan execution's infrastructure (issue 15): Begin, a Map over the sources with a Choice by
 * kind, ApplySource's retries and its catch (the error's name only), FinishExecution always run,
 * encryption and logs without execution data, three functions only, and the start grant of the act
 * handlers on this state machine.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { allStates, renderCfnString, type AslDefinition, type AslState } from '#infra/local/keeper-definition';
import { EXECUTION_CONCURRENCY, EXECUTION_STATES, PlanExecutionWorkflow } from '#infra/plan-execution';
import { londonStack, nagFindings, standaloneResources, TEST_CONTEXT } from './support';

function standalone() {
  const stack = londonStack(TEST_CONTEXT);
  const { storage, resources } = standaloneResources(stack, {}, { executionStandIn: false });
  resources.provide({
    accountsDb: secretsmanager.Secret.fromSecretCompleteArn(stack, 'AccountsDb', 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:a-AbCdEf'),
  });
  const workflow = new PlanExecutionWorkflow(stack, 'PlanExecution', { key: storage.key, resources });
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  const sm = template.toJSON().Resources[id(workflow.stateMachine)].Properties;
  const definition = JSON.parse(
    renderCfnString(stack.resolve(sm.DefinitionString), (logicalId) => `arn:aws:lambda:eu-west-2:000000000000:function:${logicalId}`),
  ) as AslDefinition;
  return { stack, workflow, template, definition, sm };
}

let built: ReturnType<typeof standalone>;
let states: Record<string, AslState>;
beforeAll(() => {
  built = standalone();
  states = Object.fromEntries(allStates(built.definition));
});

describe('plan execution state machine', () => {
  it('has three functions, one per Task state, and no unacknowledged cdk-nag finding', () => {
    expect(Object.keys(built.workflow.taskFunctions).sort()).toEqual(['ApplySource', 'Begin', 'FinishExecution']);
    built.template.resourceCountIs('AWS::Lambda::Function', 3);
    expect(nagFindings(built.stack).filter((f) => f.includes('/PlanExecution/'))).toEqual([]);
  });

  it('is encrypted with the data key, logs without execution data, traces, and times out after an hour', () => {
    expect(built.sm.EncryptionConfiguration).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY' });
    expect(built.sm.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(built.sm.TracingConfiguration).toEqual({ Enabled: true });
    expect(built.definition.TimeoutSeconds).toBe(3600);
  });

  it('begins, maps over the sources two at a time by kind, and always finishes', () => {
    expect(built.definition.StartAt).toBe(EXECUTION_STATES.begin);
    const map = states[EXECUTION_STATES.eachSource]!;
    expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: EXECUTION_CONCURRENCY, ItemsPath: '$.sources', ResultPath: '$.results' });
    expect(map.Next).toBe(EXECUTION_STATES.finish);
    expect((map.Catch as Array<{ Next: string }>)[0]!.Next).toBe(EXECUTION_STATES.noResults);
    expect((states[EXECUTION_STATES.begin]!.Catch as Array<{ Next: string }>)[0]!.Next).toBe(EXECUTION_STATES.noResults);
    expect(states[EXECUTION_STATES.noResults]!.Next).toBe(EXECUTION_STATES.finish);
    const byKind = states[EXECUTION_STATES.byKind]!;
    expect(byKind.Choices).toEqual([{ Variable: '$.kind', StringEquals: 'sql', Next: EXECUTION_STATES.applySource }]);
    expect(byKind.Default).toBe(EXECUTION_STATES.unsupported);
  });

  it('retries ApplySource on transient errors, never on a bad input, and catches every failure as its name only', () => {
    const apply = states[EXECUTION_STATES.applySource]!;
    const retry = apply.Retry as Array<{ ErrorEquals: string[]; MaxAttempts: number }>;
    expect(retry[0]).toMatchObject({ ErrorEquals: ['ExecutionInputError', 'CaseNotFoundError'], MaxAttempts: 0 });
    expect(retry.some((r) => r.ErrorEquals.includes('SourceUnavailableError') && r.MaxAttempts > 0)).toBe(true);
    expect(retry.some((r) => r.ErrorEquals.includes('States.Timeout'))).toBe(true);
    expect(apply.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: EXECUTION_STATES.sourceFailed }]);
    expect(states[EXECUTION_STATES.sourceFailed]).toMatchObject({ Type: 'Pass', Parameters: { 'source.$': '$.source', 'error.$': '$.error.Error' } });
    // Ids only into the task: no record, no identifier.
    expect(apply.Parameters).toEqual({ 'caseId.$': '$.caseId', 'planId.$': '$.planId', 'source.$': '$.source' });
  });
});
