/**
 * The processing register as the staff API answers it (`GET /api/register`; issue 14): every
 * system with all its fields, its connector (for SQL, the named read-only queries), the fields
 * that are Icetrak's defaults rather than the privacy notice's words, and the recipients. The
 * register is configuration without personal data; this is its validated form, field for field.
 */
import type { Register } from '#domain/register';

export interface RegisterJson {
  version: string;
  controller: Register['controller'];
  systems: Register['systems'];
  recipients: Register['recipients'];
}

export function registerJson(r: Register): RegisterJson {
  return { version: r.version, controller: r.controller, systems: r.systems, recipients: r.recipients };
}
