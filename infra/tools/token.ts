/**
 * `npm run token -- <email>`: prints an access token for a seeded staff user of the running
 * local stack (`npm start`), for trying the JSON API with `Authorization: Bearer <token>`.
 * How it signs in, and the environment it reads: infra/tools/local-staff.ts.
 */
import { localStaffToken, runTool, ToolError } from './local-staff';

runTool(async () => {
  const email = process.argv[2];
  if (!email || email.startsWith('-')) throw new ToolError('Usage: npm run token -- <email>   (a seeded staff user, e.g. dpo.lead@icetrak.net)');
  process.stdout.write(`${await localStaffToken(email)}\n`);
});
