/**
 * `npm run report -- --month 2026-11` (or `--week 2026-W48`): makes that report now on the
 * running local stack (`npm start`), as the DPO lead, through the staff API (POST /api/reports),
 * and prints where it is: the desk page, the API's URLs, and its files under .data/s3 (s3rver
 * keeps each object as `<key>._S3rver_object`). STAFF_EMAIL chooses another seeded user; the
 * rest of the environment: infra/tools/local-staff.ts.
 */
import { join, relative } from 'node:path';
import { DEFAULT_DATA_DIR, LOCAL_RESOURCES, REPO_ROOT } from '#infra/local/stack';
import { localAddresses, localStaffToken, runTool, ToolError } from './local-staff';

const USAGE = 'Usage: npm run report -- --month YYYY-MM | --week YYYY-Www   (e.g. --month 2026-11, --week 2026-W48)';

interface Made {
  id?: string;
  label?: string;
  html?: string;
  csv?: string;
  figures?: string;
  storedAt?: Record<string, string>;
  message?: string;
  errors?: Record<string, string>;
}

runTool(async () => {
  const [flag, period, ...rest] = process.argv.slice(2);
  if (rest.length || !period || (flag !== '--month' && flag !== '--week')) throw new ToolError(USAGE);
  const token = await localStaffToken(process.env.STAFF_EMAIL ?? 'dpo.lead@icetrak.net');
  const { publicBaseUrl } = localAddresses();
  const origin = new URL(publicBaseUrl).origin;
  const res = await fetch(`${publicBaseUrl}/api/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ kind: flag === '--month' ? 'monthly' : 'weekly', period }),
  });
  const made = (await res.json()) as Made;
  if (res.status !== 201 || !made.id) {
    throw new ToolError(`No report (${res.status}): ${made.errors ? Object.values(made.errors).join(' ') : (made.message ?? 'no reason given')}`);
  }
  const folder = relative(REPO_ROOT, join(DEFAULT_DATA_DIR, 's3', LOCAL_RESOURCES.reportsBucket));
  const lines = [
    `Made the ${made.label ?? made.id} report (${made.id}).`,
    `  In the desk:   ${publicBaseUrl}/desk/reports/${made.id}/report.html`,
    `  HTML (API):    ${origin}${made.html ?? ''}`,
    `  CSV (API):     ${origin}${made.csv ?? ''}`,
    `  Figures (API): ${origin}${made.figures ?? ''}`,
    ...Object.values(made.storedAt ?? {}).map((key) => `  Stored:        ${join(folder, key)}._S3rver_object`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
