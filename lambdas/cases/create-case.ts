/** POST /api/cases — staff entry of a request made by phone, post, in person or email (staff: act). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { enterRequest, parseStaffEntry } from '#shared/cases/enter';
import { deskEntryDeps } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskEntryDeps();

export const handler = staffApi(
  'act',
  auth,
  async (event, { staff }) => {
    const c = await enterRequest(parseStaffEntry(event.parsedBody), staff, deps);
    return json(201, { reference: c.reference, status: c.status, dueOn: c.dueOn });
  },
  { accepts: ['json'] },
);
