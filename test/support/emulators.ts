/** Per-file emulator lifecycles for integration tests (real dynalite/s3rver/SES, random ports). */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createCasesTable, localDynamoClient, startDynamo, type Running } from '#infra/local/emulators';

export interface DynamoFixture {
  client: DynamoDBClient;
  tableName: string;
  url: string;
}

/** Starts an in-memory dynalite for this test file with a fresh cases table. */
export function useDynamo(): DynamoFixture {
  const fixture = {} as DynamoFixture;
  let server: Running;
  beforeAll(async () => {
    server = await startDynamo();
    fixture.url = server.url;
    fixture.client = localDynamoClient(server.url);
    fixture.tableName = `cases-${randomUUID().slice(0, 8)}`;
    await createCasesTable(fixture.client, fixture.tableName);
  });
  afterAll(async () => {
    fixture.client?.destroy();
    await server?.close();
  });
  return fixture;
}
