/**
 * Who works the desk: a member of Icetrak's DPO team (group `dpo`, acts) or a reader (group
 * `viewer`: auditors, management). The identity comes from a verified token of the staff
 * issuer (Cognito in AWS, the local OpenID provider on `npm start`), never from anything the
 * browser says about itself.
 */
import type { Actor } from '#domain/case';
import { DomainError } from '#domain/errors';

export const STAFF_ROLES = ['dpo', 'viewer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Staff {
  /** The issuer's subject identifier (stable). */
  sub: string;
  /** The staff member's sign-in address; names them in the audit trail. */
  email: string;
  /** Display name, when the issuer gives one (else the address). */
  name: string;
  roles: StaffRole[];
}

/** What a request needs: reading cases, or acting on them (the `dpo` group only). */
export type StaffNeed = 'read' | 'act';

export const canAct = (s: Staff): boolean => s.roles.includes('dpo');
export const canRead = (s: Staff): boolean => s.roles.length > 0;

/** The audit trail's name for a staff member. */
export const actorOf = (s: Staff): Actor => `staff:${s.email}`;

/** No valid token or session: 401 (the desk's pages send the browser to sign in instead). */
export class UnauthenticatedError extends DomainError {
  override readonly name = 'UnauthenticatedError';
}

/** Signed in, but the role does not allow this (a `viewer` acting): 403. */
export class NotPermittedError extends DomainError {
  override readonly name = 'NotPermittedError';
}
