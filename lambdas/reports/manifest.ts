/**
 * The reports context (issue 12): the scheduled monthly report and weekly digest, and the desk's
 * and the staff API's reports (list, run now, files). Reports are made from the cases table's
 * indexes (never a Scan) and stored in the reports bucket under `reports/<yyyy>/<mm>/<id>/`.
 */
import { RETENTION_SETTINGS, type ContextManifest, type HandlerSpec, type Uses } from '#lambdas/manifest';

/** Making a report: reads cases (and writes its record and staff sessions), writes its files, mails the team. */
const RUN = {
  cases: 'readWrite',
  reports: { access: 'readWrite', prefix: 'reports/' },
  mail: true,
  settings: ['TEAM_ADDRESS', 'PUBLIC_BASE_URL', 'NATION', ...RETENTION_SETTINGS],
} as const satisfies Uses;
/**
 * Listing reports in the desk or the API: sessions and report records in the cases table (the
 * record store, which sets a saved report's TTL from the retention schedule, reads its settings).
 */
const LIST = { staffAuth: true, cases: 'readWrite', settings: ['PUBLIC_BASE_URL', ...RETENTION_SETTINGS] } as const satisfies Uses;
/** Reading a report's files: the records, and the reports bucket's `reports/` keys. */
const READ = { ...LIST, reports: { access: 'read', prefix: 'reports/' } } as const satisfies Uses;

const route = (id: string, file: string, method: 'GET' | 'POST', path: string, uses: Uses, timeoutSeconds?: number): HandlerSpec => ({
  id,
  entry: `lambdas/reports/${file}.ts`,
  description: `Rightsdesk ${method} ${path}`,
  trigger: { kind: 'http', method, path, access: 'staff' },
  uses,
  ...(timeoutSeconds ? { timeoutSeconds, memoryMb: 1024 } : {}),
});

/** A run on demand answers within API Gateway's 29 s; a month of 1,000 cases takes about a second (npm run bench -- reports). */
const ON_DEMAND_TIMEOUT = 28;

export const REPORTS: ContextManifest = {
  context: 'reports',
  handlers: [
    {
      id: 'MonthlyReport',
      entry: 'lambdas/reports/monthly-report.ts',
      description: 'Rightsdesk: the monthly compliance report',
      // Days 1–7: the first working day of a month is one of them (1 January, Easter, weekends); the handler waits for it,
      // and a later day's run catches a failed one up. A period already reported is skipped.
      trigger: {
        kind: 'schedule',
        cron: { minute: '0', hour: '7', day: '1-7' },
        description: 'Rightsdesk: the monthly compliance report for the month before (07:00 on the first working day; days 1-7 catch up)',
      },
      uses: RUN,
      timeoutSeconds: 300,
      memoryMb: 1024,
    },
    {
      id: 'WeeklyDigest',
      entry: 'lambdas/reports/weekly-digest.ts',
      description: 'Rightsdesk: the weekly digest',
      // Monday 07:00; Tuesday to Friday catch a failed Monday up. A week already reported is skipped.
      trigger: {
        kind: 'schedule',
        cron: { minute: '0', hour: '7', weekDay: 'MON-FRI' },
        description: 'Rightsdesk: the weekly digest of open work (07:00 on Mondays; Tuesday to Friday catch up)',
      },
      uses: RUN,
      timeoutSeconds: 120,
      memoryMb: 1024,
    },
    route('DeskReports', 'desk-reports', 'GET', '/desk/reports', LIST),
    route('DeskRunReport', 'desk-run-report', 'POST', '/desk/reports', { ...RUN, staffAuth: true }, ON_DEMAND_TIMEOUT),
    route('DeskReportFile', 'desk-report-file', 'GET', '/desk/reports/{id}/{file}', READ),
    route('ListReports', 'list-reports', 'GET', '/api/reports', LIST),
    route('RunReport', 'create-report', 'POST', '/api/reports', { ...RUN, staffAuth: true }, ON_DEMAND_TIMEOUT),
    route('GetReportFile', 'get-report-file', 'GET', '/api/reports/{id}/{file}', READ),
  ],
};
