/** GET /api/cases/{reference} — the case with its due date explained, its timeline and correspondence (staff: read). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { caseJson } from '#shared/cases/case-json';
import { viewCase } from '#shared/cases/case-view';
import { deskReadDeps } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskReadDeps();

export const handler = staffApi('read', auth, async (event) => json(200, caseJson(await viewCase(event.pathParameters?.reference ?? '', deps))));
