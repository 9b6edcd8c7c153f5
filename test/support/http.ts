/**
 * A tiny HTTP client for tests. `from` picks the loopback source address (the whole of
 * 127.0.0.0/8 is local), so tests can act as distinct clients for per-IP rate limits.
 */
import { request as httpRequest } from 'node:http';

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON, cast to what the test expects (a wrong shape fails the assertion that reads it). */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed view for assertions
  json<T = Record<string, unknown>>(): T;
}

export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; from?: string } = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as never });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const form = (fields: [string, string][]): string => new URLSearchParams(fields).toString();

let nextClient = 10;
/** A fresh loopback source address per call (127.0.0.10, .11, ...). */
export function freshClient(): string {
  nextClient += 1;
  return `127.0.${Math.floor(nextClient / 250)}.${(nextClient % 250) + 2}`;
}

export interface SentEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/** Everything aws-ses-v2-local has accepted so far. */
export async function sentEmails(sesUrl: string): Promise<SentEmail[]> {
  return (await request(`${sesUrl}/store`)).json<{ emails: SentEmail[] }>().emails;
}

export async function emailsTo(sesUrl: string, address: string): Promise<SentEmail[]> {
  return (await sentEmails(sesUrl)).filter((e) => e.destination.to.includes(address));
}
