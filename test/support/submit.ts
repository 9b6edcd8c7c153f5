/** A real web-form submission through the local API: the intake handler stores a case and sends its acknowledgement over SES. */
import { randomUUID } from 'node:crypto';
import { freshClient, request } from '#test/support/http';

/** A requester address no other test uses. */
export const anAddress = (): string => `req-${randomUUID().slice(0, 8)}@example.org`;

/** POSTs a minimal JSON request for `email`; resolves with the HTTP status. */
export async function submitRequest(api: string, email: string): Promise<number> {
  const res = await request(`${api}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rights: ['access'], fullName: 'Ada Lovelace', email, relationship: 'customer' }),
    from: freshClient(),
  });
  return res.status;
}
