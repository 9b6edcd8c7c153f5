/**
 * The recipient API adapter's edges (issue 15), against a real node:http server on an ephemeral
 * port: what each answer becomes (sent, refused for good, retried), redirects never followed with
 * the token, and the tokens' sources (Secrets Manager cached per cold start, read again on
 * request; the local RECIPIENT_TOKENS stand-in), never leaking a token in an error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchRecipientApi, RecipientApiRejectedError, RecipientApiUnavailableError } from '#adapters/fetch-recipient-api';
import { envRecipientTokens, recipientTokens, secretsManagerRecipientTokens } from '#adapters/recipient-tokens';

const SECRET = 'rightsdesk/recipients/acme';
const TOKEN = 'acme-token-0123456789abcdef';
let server: Server;
let base: string;
const hits: Array<{ path: string; auth: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', auth: req.headers.authorization });
    req.resume();
    const status = Number(/\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
    if (status === 302) res.writeHead(302, { location: `${base}/status/200` }).end();
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 1_000).unref();
    else res.writeHead(status).end('x'.repeat(1_000_000)); // a large body: never read
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const api = (timeoutMs = 300) => new FetchRecipientApi(envRecipientTokens(JSON.stringify({ [SECRET]: TOKEN })), { timeoutMs });
const post = (path: string, a = api()) =>
  a.post({ url: `${base}${path}`, tokenSecret: SECRET, idempotencyKey: 'art19:plan000000001:acme', body: { n: 1 } });

describe('FetchRecipientApi', () => {
  it('2xx is a receipt; 4xx (not 408/429) and a redirect are refusals; 5xx, 408, 429, a timeout and a closed port are retried', async () => {
    expect(await post('/status/200')).toBe('http-200');
    expect(await post('/status/202')).toBe('http-202');
    for (const s of [400, 403, 404, 409, 422, 302]) await expect(post(`/status/${s}`)).rejects.toEqual(new RecipientApiRejectedError(s));
    for (const s of [408, 429, 500, 503]) await expect(post(`/status/${s}`)).rejects.toEqual(new RecipientApiUnavailableError(s));
    await expect(post('/slow')).rejects.toEqual(new RecipientApiUnavailableError('timeout'));
    const closed = new FetchRecipientApi(envRecipientTokens(JSON.stringify({ [SECRET]: TOKEN })));
    await expect(closed.post({ url: 'http://127.0.0.1:1/x', tokenSecret: SECRET, idempotencyKey: 'k', body: {} })).rejects.toEqual(
      new RecipientApiUnavailableError('network'),
    );
  });

  it('never follows a redirect with the token; errors name the status only', async () => {
    hits.length = 0;
    const err = await post('/status/302').catch((e: unknown) => e as Error);
    expect(hits.map((h) => h.path)).toEqual(['/status/302']);
    expect((err as Error).name).toBe('RecipientApiRejected');
    expect((err as Error).message).toBe("The recipient's API refused the notice (HTTP 302).");
    expect((err as Error).message).not.toContain(TOKEN);
  });
});

describe('recipient tokens', () => {
  it('Secrets Manager: read once per cold start and secret, read again when asked (a 401), never outside rightsdesk/recipients/', async () => {
    const calls: string[] = [];
    let version = 1;
    const client = {
      send: async (cmd: unknown) => {
        expect(cmd).toBeInstanceOf(GetSecretValueCommand);
        calls.push(String((cmd as GetSecretValueCommand).input.SecretId));
        return { SecretString: `${TOKEN}-v${version}` };
      },
    };
    const tokens = secretsManagerRecipientTokens(client);
    expect(await tokens(SECRET)).toBe(`${TOKEN}-v1`);
    expect(await tokens(SECRET)).toBe(`${TOKEN}-v1`);
    version = 2;
    expect(await tokens(SECRET, { refresh: true })).toBe(`${TOKEN}-v2`);
    expect(await tokens(SECRET)).toBe(`${TOKEN}-v2`);
    expect(calls).toEqual([SECRET, SECRET]);
    await expect(tokens('rightsdesk/signing-key')).rejects.toThrow('Only secrets under rightsdesk/recipients/');
    expect(calls).toHaveLength(2);
  });

  it('a failed or unusable read is not cached, and its error names the secret, not the value', async () => {
    let answer: () => Promise<{ SecretString?: string }> = () => Promise.reject(Object.assign(new Error('down'), { name: 'InternalServiceError' }));
    const tokens = secretsManagerRecipientTokens({ send: () => answer() });
    await expect(tokens(SECRET)).rejects.toThrow('down');
    answer = async () => ({ SecretString: 'short' });
    await expect(tokens(SECRET)).rejects.toThrow(`The recipient token secret ${SECRET} is missing, empty or not a token.`);
    answer = async () => ({ SecretString: TOKEN });
    expect(await tokens(SECRET)).toBe(TOKEN);
  });

  it('locally RECIPIENT_TOKENS stands in; without it, Secrets Manager', async () => {
    expect(await recipientTokens({ RECIPIENT_TOKENS: JSON.stringify({ [SECRET]: TOKEN }) })(SECRET)).toBe(TOKEN);
    await expect(recipientTokens({ RECIPIENT_TOKENS: '{}' })(SECRET)).rejects.toThrow(/missing/);
    expect(() => envRecipientTokens(JSON.stringify({ 'other/name': TOKEN }))).toThrow(/RECIPIENT_TOKENS/);
    expect(typeof recipientTokens({})).toBe('function');
  });
});
