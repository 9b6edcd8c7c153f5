/**
 * The staff user pool's pre-token-generation trigger (V2_0): adds the staff member's verified
 * email address and name to the access token (shared/auth/staff-claims.ts explains why).
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { addStaffClaims } from '#shared/auth/staff-claims';
import { cognitoTriggerHandler } from '#shared/events/middleware';

export const handler = cognitoTriggerHandler<PreTokenGenerationV2TriggerEvent>(addStaffClaims);
