/**
 * What the reports context's handlers use (./manifest.ts grants exactly that), one memoised
 * factory per need: reading reports (the desk's list and files), and making them.
 */
import { caseStore, clock, mailer, reportFiles, reportStore, retentionReviews, tombstones } from '#adapters/from-env';
import { readConfig } from '#shared/core/config';
import type { ReportsReadDeps } from '#shared/reports/desk';
import type { ReportDeps } from '#shared/reports/run';
import { renderReportHtml } from '#shared/templates/report-html';
import { reportCsv } from '#shared/templates/report-csv';
import { reportMail } from '#shared/templates/report-mail';

const memo: { list?: Pick<ReportsReadDeps, 'reports'>; read?: ReportsReadDeps; run?: ReportDeps } = {};

/** The report records only (the lists). */
export function reportsListDeps(): Pick<ReportsReadDeps, 'reports'> {
  return (memo.list ??= { reports: reportStore() });
}

/** The records and the reports bucket (a report's files). */
export function reportsReadDeps(): ReportsReadDeps {
  return (memo.read ??= { ...reportsListDeps(), files: reportFiles() });
}

export function reportRunDeps(): ReportDeps {
  return (memo.run ??= (() => {
    const config = readConfig(['TEAM_ADDRESS', 'PUBLIC_BASE_URL', 'NATION']);
    return {
      ...reportsReadDeps(),
      cases: caseStore(),
      tombstones: tombstones(),
      retentionReviews: retentionReviews(),
      mailer: mailer(),
      clock: clock(),
      render: { html: renderReportHtml, csv: reportCsv, mail: reportMail },
      settings: { teamAddress: config.TEAM_ADDRESS, publicBaseUrl: config.PUBLIC_BASE_URL, nation: config.NATION },
    };
  })());
}
