/**
 * FetchRecipientApi: the RecipientApi port on Node's fetch (issue 15). One POST per notice, JSON,
 * `Authorization: Bearer <token>` and `Idempotency-Key: <outbox entry id>`, bounded by a timeout;
 * redirects are not followed (the token goes to the URL in the register and nowhere else), and
 * the response body is never read (its status decides; the body is cancelled unread).
 *
 * 2xx → the receipt `http-<status>`; 401 once → the token is read again (it may have been
 * rotated since this function cached it) and the call made once more; a 4xx other than 408 and
 * 429, or a 3xx → RecipientApiRejectedError (failed for good, shown on the case); 5xx, 408, 429,
 * a timeout or a network error → RecipientApiUnavailableError (the outbox retries). Errors name
 * the status only: never the URL's query, the token or the body.
 */
import type { RecipientApi, RecipientApiCall } from '#shared/ports';

/** How long one POST may take, connection to status, before it is abandoned and retried later. */
export const RECIPIENT_API_TIMEOUT_MS = 10_000;
/** The largest notice body sent (50 changes fit many times over). */
export const RECIPIENT_API_MAX_BODY_BYTES = 64 * 1024;

/** The recipient refused the notice for good (a 4xx other than 408/429, or a redirect). */
export class RecipientApiRejectedError extends Error {
  override readonly name = 'RecipientApiRejected';
  constructor(readonly status: number) {
    super(`The recipient's API refused the notice (HTTP ${status}).`);
  }
}

/** The recipient's API could not take the notice now (5xx, 408, 429, a timeout, the network): retried. */
export class RecipientApiUnavailableError extends Error {
  override readonly name = 'RecipientApiUnavailable';
  constructor(readonly status: number | 'timeout' | 'network') {
    super(`The recipient's API is unavailable (${typeof status === 'number' ? `HTTP ${status}` : status}).`);
  }
}

/** A recipient's bearer token by its secret's name; `refresh` reads it again instead of from the cache. */
export type RecipientTokens = (secretName: string, opts?: { refresh?: boolean }) => Promise<string>;

export interface FetchRecipientApiOptions {
  /** @default RECIPIENT_API_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

export class FetchRecipientApi implements RecipientApi {
  private readonly timeoutMs: number;

  constructor(
    private readonly tokens: RecipientTokens,
    opts: FetchRecipientApiOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? RECIPIENT_API_TIMEOUT_MS;
  }

  async post(call: RecipientApiCall): Promise<string> {
    const body = JSON.stringify(call.body);
    if (Buffer.byteLength(body) > RECIPIENT_API_MAX_BODY_BYTES) throw new Error(`A recipient notice of ${Buffer.byteLength(body)} bytes is too large.`);
    let status = await this.once(call, body, await this.tokens(call.tokenSecret));
    if (status === 401) status = await this.once(call, body, await this.tokens(call.tokenSecret, { refresh: true }));
    if (status >= 200 && status < 300) return `http-${status}`;
    if (status === 408 || status === 429 || status >= 500) throw new RecipientApiUnavailableError(status);
    throw new RecipientApiRejectedError(status);
  }

  /** One POST; its status (the body cancelled unread). */
  private async once(call: RecipientApiCall, body: string, token: string): Promise<number> {
    let res: Response;
    try {
      res = await fetch(call.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': call.idempotencyKey,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: unknown }).name;
      throw new RecipientApiUnavailableError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network');
    }
    await res.body?.cancel().catch(() => undefined);
    return res.status;
  }
}
