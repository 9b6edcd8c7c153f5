/** GET /openapi.json — the published contract of the JSON API (docs/openapi.json, made by `npm run openapi`). */
import document from '#docs/openapi.json';
import { httpHandler } from '#http/middleware';
import { json } from '#http/responses';
import { apiBaseUrl } from './deps';

// Built at cold start: the committed document (bundled in), with this deployment as its server.
const body = { ...document, servers: [{ url: apiBaseUrl() }] };

export const handler = httpHandler(async () => json(200, body));
