/**
 * The four rotation steps against a fake Secrets Manager client. There is no Secrets Manager
 * emulator here (the local stack passes the key in SIGNING_KEY instead), so this fake keeps the
 * service's rules that rotation relies on: RotateSecret makes an empty AWSPENDING version named by
 * the request token; GetSecretValue finds a version by id and stage, and one without a value is
 * not found; PutSecretValue with an existing token and the same value is a no-op; moving
 * AWSCURRENT needs the version it leaves named, and labels that version AWSPREVIOUS.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerKeyVersions } from '#adapters/secrets-manager-key-versions';
import { signingKeyRing, verificationKeysOf } from '#adapters/signing-key';
import { signToken, verifyToken } from '#shared/core/tokens';
import { KEY_BYTES, ROTATION_STEPS, RotationRefusedError, rotateSigningKey, type RotationStep } from '#shared/keys/rotate-signing-key';

const ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:RightsdeskSigningKey-AbCdEf';
const meta = { $metadata: {} };

class FakeSecretsManager {
  readonly versions = new Map<string, { value?: string; stages: Set<string> }>();
  rotationEnabled = true;
  readonly calls: string[] = [];

  constructor(initial: string) {
    this.versions.set('v0', { value: initial, stages: new Set(['AWSCURRENT']) });
  }

  /** What RotateSecret does before it invokes the function: an empty AWSPENDING version named `token`. */
  startRotation(token: string = randomUUID()): string {
    this.moveLabel('AWSPENDING', token);
    return token;
  }

  stagesOf(id: string): string[] {
    return [...(this.versions.get(id)?.stages ?? [])].sort();
  }

  valueAt(stage: string): string | undefined {
    return [...this.versions.values()].find((v) => v.stages.has(stage))?.value;
  }

  private moveLabel(stage: string, to: string): void {
    for (const v of this.versions.values()) v.stages.delete(stage);
    const target = this.versions.get(to) ?? { stages: new Set<string>() };
    target.stages.add(stage);
    this.versions.set(to, target);
  }

  private holderOf(stage: string): string | undefined {
    return [...this.versions.entries()].find(([, v]) => v.stages.has(stage))?.[0];
  }

  send = async (command: unknown): Promise<unknown> => {
    const input = (command as { input: Record<string, unknown> }).input;
    expect(input.SecretId).toBe(ARN);
    this.calls.push((command as object).constructor.name);
    if (command instanceof DescribeSecretCommand) {
      return { RotationEnabled: this.rotationEnabled, VersionIdsToStages: Object.fromEntries([...this.versions].map(([id, v]) => [id, [...v.stages]])) };
    }
    if (command instanceof GetSecretValueCommand) {
      const { VersionId, VersionStage } = command.input;
      const id = VersionId ?? this.holderOf(VersionStage ?? 'AWSCURRENT');
      const v = id === undefined ? undefined : this.versions.get(id);
      if (!v || v.value === undefined || (VersionStage && !v.stages.has(VersionStage)))
        throw new ResourceNotFoundException({ message: 'not found', ...meta });
      return { SecretString: v.value, VersionId: id };
    }
    if (command instanceof PutSecretValueCommand) {
      const { ClientRequestToken, SecretString, VersionStages } = command.input;
      const existing = this.versions.get(ClientRequestToken!);
      if (existing?.value !== undefined) {
        if (existing.value !== SecretString) throw new ResourceExistsException({ message: 'a different value', ...meta });
        return {};
      }
      this.versions.set(ClientRequestToken!, { value: SecretString!, stages: existing?.stages ?? new Set() });
      for (const stage of VersionStages ?? ['AWSCURRENT']) this.moveLabel(stage, ClientRequestToken!);
      return {};
    }
    if (command instanceof UpdateSecretVersionStageCommand) {
      const { VersionStage, MoveToVersionId, RemoveFromVersionId } = command.input;
      const holder = this.holderOf(VersionStage!);
      if (holder !== undefined && holder !== MoveToVersionId && holder !== RemoveFromVersionId) {
        throw new InvalidParameterException({ message: 'the label is attached to another version', ...meta });
      }
      this.moveLabel(VersionStage!, MoveToVersionId!);
      if (VersionStage === 'AWSCURRENT' && holder !== undefined && holder !== MoveToVersionId) this.moveLabel('AWSPREVIOUS', holder);
      return {};
    }
    throw new Error(`The rotation called ${(command as object).constructor.name}, which it must not need.`);
  };
}

const initialKey = 'A'.repeat(48);
const client = (sm: FakeSecretsManager) => sm as unknown as Pick<SecretsManagerClient, 'send'>;
const depsFor = (sm: FakeSecretsManager) => ({ secretArn: ARN, versions: new SecretsManagerKeyVersions(client(sm), ARN) });
const step = (sm: FakeSecretsManager, token: string, Step: RotationStep) =>
  rotateSigningKey({ SecretId: ARN, ClientRequestToken: token, Step }, depsFor(sm));

async function rotate(sm: FakeSecretsManager): Promise<string> {
  const token = sm.startRotation();
  for (const s of ROTATION_STEPS) await step(sm, token, s);
  return token;
}

describe('rotating the signing key (four steps, fake Secrets Manager)', () => {
  it('creates a new random key as AWSPENDING, then makes it AWSCURRENT and the old one AWSPREVIOUS', async () => {
    const sm = new FakeSecretsManager(initialKey);
    const token = sm.startRotation();
    expect(await step(sm, token, 'createSecret')).toBe('created');
    const pending = sm.versions.get(token)!.value!;
    expect(pending).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(pending, 'base64url')).toHaveLength(KEY_BYTES);
    expect(sm.stagesOf(token)).toEqual(['AWSPENDING']);
    expect(sm.valueAt('AWSCURRENT')).toBe(initialKey);

    expect(await step(sm, token, 'setSecret')).toBe('set');
    expect(await step(sm, token, 'testSecret')).toBe('tested');
    expect(sm.valueAt('AWSCURRENT')).toBe(initialKey);
    expect(await step(sm, token, 'finishSecret')).toBe('finished');

    expect(sm.stagesOf(token)).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect(sm.stagesOf('v0')).toEqual(['AWSPREVIOUS']);
    expect(sm.valueAt('AWSCURRENT')).toBe(pending);
    expect(sm.calls).not.toContain('GetRandomPasswordCommand');
  });

  it('is idempotent per step: a retried step changes nothing it already did', async () => {
    const sm = new FakeSecretsManager(initialKey);
    const token = sm.startRotation();
    expect(await step(sm, token, 'createSecret')).toBe('created');
    const pending = sm.versions.get(token)!.value;
    expect(await step(sm, token, 'createSecret')).toBe('exists');
    expect(sm.versions.get(token)!.value).toBe(pending);
    expect(await step(sm, token, 'testSecret')).toBe('tested');
    expect(await step(sm, token, 'testSecret')).toBe('tested');
    expect(await step(sm, token, 'finishSecret')).toBe('finished');
    const after = [...sm.versions.keys()].map((id) => [id, sm.stagesOf(id)]);
    // Secrets Manager may call any step again once the version is current: nothing moves.
    for (const s of ROTATION_STEPS) expect(await step(sm, token, s)).toBe('already-current');
    expect([...sm.versions.keys()].map((id) => [id, sm.stagesOf(id)])).toEqual(after);
    expect(sm.valueAt('AWSCURRENT')).toBe(pending);
  });

  it('drops the key of two rotations ago: links it signed stop verifying, those of the previous key still do', async () => {
    const sm = new FakeSecretsManager(initialKey);
    const now = new Date();
    const exp = Math.floor(now.getTime() / 1000) + 3600;
    const linkUnder = (value: string) => signToken(Buffer.from(value, 'utf8'), { caseId: 'X', purpose: 'verify', expiresAt: exp });
    const linkFromFirstKey = linkUnder(initialKey);

    const first = await rotate(sm);
    const linkFromSecondKey = linkUnder(sm.versions.get(first)!.value!);
    const ring = () => verificationKeysOf(signingKeyRing({ SIGNING_KEY_SECRET_ARN: ARN }, { client: client(sm) }))();
    expect(verifyToken(await ring(), linkFromFirstKey, 'verify', now).caseId).toBe('X');

    const second = await rotate(sm);
    expect(sm.stagesOf('v0')).toEqual([]);
    expect(sm.stagesOf(first)).toEqual(['AWSPREVIOUS']);
    expect(sm.stagesOf(second)).toEqual(['AWSCURRENT', 'AWSPENDING']);
    const keys = await ring();
    expect(verifyToken(keys, linkFromSecondKey, 'verify', now).caseId).toBe('X');
    expect(verifyToken(keys, linkUnder(sm.valueAt('AWSCURRENT')!), 'verify', now).caseId).toBe('X');
    expect(() => verifyToken(keys, linkFromFirstKey, 'verify', now)).toThrow('This link is not valid.');
  });

  it('refuses another secret, a version that is not pending, a pending value that is not a key, and a secret without rotation', async () => {
    const sm = new FakeSecretsManager(initialKey);
    const token = sm.startRotation();
    const other = { SecretId: `${ARN}x`, ClientRequestToken: token, Step: 'createSecret' as const };
    await expect(rotateSigningKey(other, depsFor(sm))).rejects.toThrow(RotationRefusedError);
    await expect(step(sm, randomUUID(), 'createSecret')).rejects.toThrow('a version the secret does not have');

    await sm.send(new PutSecretValueCommand({ SecretId: ARN, ClientRequestToken: token, SecretString: 'not a key', VersionStages: ['AWSPENDING'] }));
    await expect(step(sm, token, 'testSecret')).rejects.toThrow('not a signing key');
    expect(sm.valueAt('AWSCURRENT')).toBe(initialKey);

    sm.rotationEnabled = false;
    await expect(step(sm, token, 'createSecret')).rejects.toThrow('Rotation is not enabled');
  });
});
