/** Helpers shared by the infra tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** cdk.json's context (configuration and feature flags), so tests synthesise what `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = (
  JSON.parse(readFileSync(`${REPO_ROOT}cdk.json`, 'utf8')) as { context: Record<string, unknown> }
).context;

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
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}: ${v.description}`),
  );
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
