/**
 * The deadline keeper's Step Functions payloads. They carry the case id and the checkpoint's
 * id, kind and instant: never personal data (DESIGN.md, Architecture on AWS). Anything else
 * arriving at a task is a defect in the definition, refused with KeeperInputError.
 */
import { DomainError } from '#domain/errors';
import type { CheckpointKind } from '#domain/checkpoints';
import { isCaseId } from '#shared/core/ids';

export class KeeperInputError extends DomainError {
  override readonly name = 'KeeperInputError';
}

/** The execution input, and what the Evaluate task receives. */
export interface KeeperInput {
  caseId: string;
}

/** What Evaluate answers (stored at $.next): the next checkpoint, or done. */
export type PlanPayload = { kind: 'done' } | { kind: CheckpointKind; id: string; at: string };

/** What the Act task receives: the case and the checkpoint Evaluate chose. */
export interface ActInput {
  caseId: string;
  checkpoint: { kind: CheckpointKind; id: string; at: string };
}

const KINDS: readonly string[] = [
  'verify-reminder',
  'close-unverified',
  'dpo-reminder',
  'extension-warning',
  'due-today',
  'overdue',
  'complaint-ack-reminder',
  'recheck',
] satisfies CheckpointKind[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseKeeperInput(event: unknown): KeeperInput {
  if (!isObject(event) || !isCaseId(event.caseId)) throw new KeeperInputError('The keeper expects { caseId } with a case id.');
  return { caseId: event.caseId };
}

export function parseActInput(event: unknown): ActInput {
  const { caseId } = parseKeeperInput(event);
  const cp = isObject(event) ? event.checkpoint : undefined;
  if (
    !isObject(cp) ||
    typeof cp.kind !== 'string' ||
    !KINDS.includes(cp.kind) ||
    typeof cp.id !== 'string' ||
    cp.id.length > 100 ||
    typeof cp.at !== 'string' ||
    Number.isNaN(Date.parse(cp.at))
  ) {
    throw new KeeperInputError('The act step expects { caseId, checkpoint: { kind, id, at } }.');
  }
  return { caseId, checkpoint: { kind: cp.kind as CheckpointKind, id: cp.id, at: cp.at } };
}
