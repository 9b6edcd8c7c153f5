import { describe, expect, it } from 'vitest';
import { reportMail } from '#shared/templates/report-mail';
import { SAMPLE_EXTENSION_REASON, SAMPLE_PERSONAL_DATA, sampleMonthlyFigures, sampleWeeklyFigures } from '#test/support/report-fixtures';

const TEAM = 'dpo-team@icetrak.example';
const URL = 'http://localhost:3000/desk/reports/monthly-2026-11';

describe('reportMail', () => {
  it('monthly: subject, headline numbers and the desk link in both parts', () => {
    const mail = reportMail(sampleMonthlyFigures(), { to: TEAM, reportUrl: URL });
    expect(mail.to).toBe(TEAM);
    expect(mail.subject).toBe('Rightsdesk monthly report: November 2026');
    for (const line of [
      'Requests received: 9',
      'Requests answered: 6 (of 7 closed)',
      'Answered on time: 83.3 % (5 on time, 1 late)',
      'Median days to respond: 17',
      'Overdue on 1 December 2026: 1',
      'Complaints received: 2',
    ]) {
      expect(mail.text).toContain(line);
    }
    expect(mail.text).toContain(URL);
    expect(mail.html).toContain(`<a href="${URL}">${URL}</a>`);
    expect(mail.html).toContain('<tr><th align="left">Answered on time</th><td>83.3 % (5 on time, 1 late)</td></tr>');
    expect(mail.html).toContain('<title>Rightsdesk monthly report: November 2026</title>');
    expect(mail.text).toContain('Generated Tuesday 1 December 2026 at 07:00 (London time)');
  });

  it('weekly: subject names the week, body the open work', () => {
    const mail = reportMail(sampleWeeklyFigures(), { to: TEAM, reportUrl: URL });
    expect(mail.subject).toBe('Rightsdesk weekly digest: week 48 of 2026');
    for (const line of ['Open: 7', 'Due this week: 2', 'Overdue: 2', 'Triage backlog: 2', 'Awaiting the requester: 1']) expect(mail.text).toContain(line);
    expect(mail.html).toContain(`<a href="${URL}">`);
  });

  it('names no case and no person, monthly or weekly', () => {
    for (const figures of [sampleMonthlyFigures(), sampleWeeklyFigures()]) {
      const mail = reportMail(figures, { to: TEAM, reportUrl: URL });
      const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
      expect(all).not.toMatch(/RD-[0-9A-Z]{6}/);
      for (const row of figures.rows) expect(all).not.toContain(row.reference);
      for (const value of Object.values(SAMPLE_PERSONAL_DATA)) expect(all).not.toContain(value);
      expect(all).not.toContain(SAMPLE_EXTENSION_REASON);
      expect(mail.subject).not.toMatch(/[\r\n]/);
    }
  });

  it('refuses a report link that is not http(s)', () => {
    expect(() => reportMail(sampleMonthlyFigures(), { to: TEAM, reportUrl: 'javascript:alert(1)' })).toThrow(/http/);
  });
});
