/**
 * The keeper's checkpoint offsets as deployed: KEEPER_OFFSETS holds JSON (the CDK construct
 * writes every value; the local stack writes `{}` for the defaults). Read once at cold start.
 */
import { keeperOffsets, type KeeperOffsets } from '#domain/checkpoints';

export function parseKeeperOffsets(json: string): KeeperOffsets {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new RangeError('KEEPER_OFFSETS is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError('KEEPER_OFFSETS must be a JSON object.');
  return keeperOffsets(value);
}
