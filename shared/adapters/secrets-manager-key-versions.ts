/**
 * The signing key secret's versions in Secrets Manager, for the rotation function
 * (shared/keys/rotate-signing-key.ts): DescribeSecret, GetSecretValue, PutSecretValue and
 * UpdateSecretVersionStage on the one secret, and nothing else (no GetRandomPassword: the key
 * comes from node:crypto).
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { KeyVersions } from '#shared/keys/rotate-signing-key';

export class SecretsManagerKeyVersions implements KeyVersions {
  constructor(
    private readonly client: Pick<SecretsManagerClient, 'send'>,
    private readonly secretId: string,
  ) {}

  async describe(): ReturnType<KeyVersions['describe']> {
    const out = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    return { rotationEnabled: out.RotationEnabled === true, stagesByVersion: out.VersionIdsToStages ?? {} };
  }

  async value(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage, ...(versionId && { VersionId: versionId }) }),
      );
      return out.SecretString;
    } catch (err) {
      if ((err as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  async putPending(versionId: string, value: string): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({ SecretId: this.secretId, ClientRequestToken: versionId, SecretString: value, VersionStages: ['AWSPENDING'] }),
    );
  }

  async makeCurrent(to: string, from: string): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({ SecretId: this.secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: to, RemoveFromVersionId: from }),
    );
  }
}
