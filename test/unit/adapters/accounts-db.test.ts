/**
 * The account database pool's configuration. Secrets Manager is mocked at the SDK (there is no
 * emulator for it); the TLS requirement is checked against a real socket that speaks the start of
 * PostgreSQL's protocol and, like PGlite, refuses TLS.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountsDbFromEnv, POOL_MAX, poolConfigFromSecret, poolConfigFromUrl } from '#adapters/accounts-db';

const ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:IcetrakAccountsDb-AbCdEf';
const PASSWORD = 'pw-that-must-never-be-printed';
const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());

/** A server that answers PostgreSQL's SSLRequest with "N" (no TLS here) and records what it was asked. */
let server: Server;
let port: number;
const sslRequests: number[] = [];
beforeAll(async () => {
  server = createServer((socket) => {
    socket.once('data', (buf) => {
      // SSLRequest: length 8, code 80877103.
      if (buf.length >= 8 && buf.readInt32BE(4) === 80_877_103) sslRequests.push(Date.now());
      socket.write('N');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const secretFor = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ engine: 'postgres', host: '127.0.0.1', port, username: 'rightsdesk_reader', password: PASSWORD, dbname: 'icetrak', ...overrides });

describe('the account database pool', () => {
  it('takes host, port, user, password and database from an RDS-style secret, with TLS required and the certificate verified', () => {
    expect(poolConfigFromSecret(secretFor({ host: 'accounts.cluster-abc.eu-west-2.rds.amazonaws.com', port: '5432' }))).toEqual({
      host: 'accounts.cluster-abc.eu-west-2.rds.amazonaws.com',
      port: 5432,
      user: 'rightsdesk_reader',
      password: PASSWORD,
      database: 'icetrak',
      ssl: { rejectUnauthorized: true, servername: 'accounts.cluster-abc.eu-west-2.rds.amazonaws.com' },
      max: POOL_MAX,
      idleTimeoutMillis: 60_000,
      connectionTimeoutMillis: 5_000,
      application_name: 'rightsdesk',
    });
    expect(poolConfigFromUrl('postgresql://postgres@127.0.0.1:5433/postgres')).toMatchObject({
      connectionString: 'postgresql://postgres@127.0.0.1:5433/postgres',
      max: POOL_MAX,
    });
  });

  it('refuses a secret that is not JSON or lacks a field, naming the fields and never a value', () => {
    expect(() => poolConfigFromSecret('not json')).toThrow('The account database secret is not JSON.');
    expect(() => poolConfigFromSecret(undefined)).toThrow('not JSON');
    const err = (() => {
      try {
        poolConfigFromSecret(JSON.stringify({ host: 'db', password: PASSWORD }));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toBe('The account database secret lacks username.');
    expect(err).not.toContain(PASSWORD);
  });

  it('needs exactly one of ACCOUNTS_DB_URL and ACCOUNTS_DB_SECRET_ARN', () => {
    expect(() => accountsDbFromEnv({ env: {} })).toThrow('set exactly one of ACCOUNTS_DB_URL, ACCOUNTS_DB_SECRET_ARN');
    expect(() => accountsDbFromEnv({ env: { ACCOUNTS_DB_URL: 'postgresql://x@h/db', ACCOUNTS_DB_SECRET_ARN: ARN } })).toThrow('exactly one');
    expect(() => accountsDbFromEnv({ env: { ACCOUNTS_DB_URL: 'mysql://x@h/db' } })).toThrow('ACCOUNTS_DB_URL is invalid');
  });

  it('in AWS asks the server for TLS and gives up rather than connect in clear text', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: secretFor() });
    const db = accountsDbFromEnv({ env: { ACCOUNTS_DB_SECRET_ARN: ARN }, client: new SecretsManagerClient({ region: 'eu-west-2' }) });
    const before = sslRequests.length;
    await expect(db.connect()).rejects.toThrow(/does not support SSL/);
    expect(sslRequests.length).toBe(before + 1);
    await db.end();
  });

  it('reads the secret once per execution environment, and again only after a failed read', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: secretFor() });
    const db = accountsDbFromEnv({ env: { ACCOUNTS_DB_SECRET_ARN: ARN }, client: new SecretsManagerClient({ region: 'eu-west-2' }) });
    await expect(db.connect()).rejects.toThrow('throttled');
    await expect(db.connect()).rejects.toThrow(/SSL/);
    await expect(db.connect()).rejects.toThrow(/SSL/);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    await db.end();
  });
});
