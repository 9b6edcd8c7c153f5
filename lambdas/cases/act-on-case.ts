/** POST /api/cases/{reference}/actions — one staff action and its letter (staff: act). 409 names the rule a move breaks. */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { act, parseAction } from '#shared/cases/act';
import { caseJson } from '#shared/cases/case-json';
import { viewOf } from '#shared/cases/case-view';
import { deskActWithHoldsDeps } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskActWithHoldsDeps();

export const handler = staffApi(
  'act',
  auth,
  async (event, { staff }) => {
    const input = parseAction(event.parsedBody);
    const c = await act(event.pathParameters?.reference ?? '', input, staff, deps);
    return json(200, caseJson(viewOf(c, deps.clock.now())));
  },
  { accepts: ['json'] },
);
