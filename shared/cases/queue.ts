/**
 * The desk's queue (issue 11): one page of a view, or a search by reference or requester email.
 * Every read is by key or index (shared/domain/queue.ts says which); a page costs its rows, not
 * the table.
 */
import * as z from 'zod';
import type { Case } from '#domain/case';
import { londonDateOf } from '#domain/calendar';
import { ValidationError } from '#domain/errors';
import { QUEUE_VIEWS, rowOf, type QueueRow, type QueueView } from '#domain/queue';
import { isReference } from '#domain/reference';
import type { DeskReadDeps } from './deps';
import { parseFields } from './fields';

export const PAGE_SIZE = 50;

export const queueQuerySchema = z
  .object({
    view: z.enum(QUEUE_VIEWS).default('open'),
    q: z.string().trim().max(254).optional(),
    cursor: z.string().max(1024).optional(),
  })
  .strict();
export type QueueQuery = z.infer<typeof queueQuerySchema>;

export interface QueuePage {
  view: QueueView;
  /** Set when the page is a search: what was searched for. */
  search?: string;
  today: string;
  rows: QueueRow[];
  /** Opaque: pass back as `cursor` for the next page. */
  next?: string;
  /** On the triage view's first page: cases on legal hold whose review date has come (issue 13). */
  holdsToReview?: HoldRow[];
}

/** A legal hold due for review. */
export interface HoldRow {
  reference: string;
  status: QueueRow['status'];
  since: string;
  reason: string;
  reviewOn: string;
}

export function parseQueueQuery(raw: Record<string, string | undefined> | null | undefined): QueueQuery {
  const given = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  return parseFields(queueQuerySchema, given, 'query');
}

export async function listQueue(query: QueueQuery, deps: DeskReadDeps): Promise<QueuePage> {
  const today = londonDateOf(deps.clock.now());
  if (query.q) return { view: query.view, search: query.q, today, rows: await search(query.q, today, deps) };
  const { cases, cursor } = await deps.cases.listView(query.view, { today, limit: PAGE_SIZE, ...(query.cursor ? { cursor: query.cursor } : {}) });
  const holds = query.view === 'triage' && !query.cursor ? { holdsToReview: (await deps.cases.listHoldsToReview(today)).flatMap(holdRow) } : {};
  return { view: query.view, today, rows: cases.map((c) => rowOf(c, today)), ...(cursor ? { next: cursor } : {}), ...holds };
}

function holdRow(c: Case): HoldRow[] {
  const h = c.legalHold;
  return h?.reviewOn ? [{ reference: c.reference, status: c.status, since: h.since, reason: h.reason, reviewOn: h.reviewOn }] : [];
}

/** A reference (RD-XXXXXX) by the reference index; anything with an @ by the requester-email index (hashed). */
async function search(q: string, today: string, deps: DeskReadDeps): Promise<QueueRow[]> {
  const term = q.trim();
  if (isReference(term.toUpperCase())) {
    const found = await deps.cases.findByReference(term.toUpperCase());
    return found ? [rowOf(found, today)] : [];
  }
  if (/^[^\s@]+@[^\s@]+$/.test(term)) {
    const found = await deps.cases.listByRequesterEmail(term);
    return found.reverse().map((c) => rowOf(c, today));
  }
  throw new ValidationError({ q: 'Search by a case reference (RD-XXXXXX) or a requester’s full email address.' });
}
