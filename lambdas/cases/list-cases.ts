/** GET /api/cases?view=… (or ?q=…) — one page of a desk queue, as JSON (staff: read). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { listQueue, parseQueueQuery } from '#shared/cases/queue';
import { deskReadDeps } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskReadDeps();

export const handler = staffApi('read', auth, async (event) => {
  const page = await listQueue(parseQueueQuery(event.queryStringParameters), deps);
  return json(200, {
    view: page.view,
    cases: page.rows.map(({ reference, status, rights, channel, receivedOn, dueOn, workingDaysLeft, flags }) => ({
      reference,
      status,
      rights,
      channel,
      receivedOn,
      dueOn,
      workingDaysLeft,
      flags,
    })),
    ...(page.next ? { next: page.next } : {}),
    ...(page.holdsToReview ? { holdsToReview: page.holdsToReview } : {}),
  });
});
