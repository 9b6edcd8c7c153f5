/** A report file as an HTTP response: the HTML shown, the CSV and JSON downloaded under a name that says what they are. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ReportRecord } from '#shared/reports/record';

export function fileResponse(found: { record: ReportRecord; body: Buffer; contentType: string; name: string }): APIGatewayProxyResult {
  const inline = found.contentType.startsWith('text/html');
  return {
    statusCode: 200,
    headers: {
      'content-type': found.contentType,
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="rightsdesk-${found.record.id}-${found.name}"`,
      'cache-control': 'no-store',
    },
    body: found.body.toString('utf8'),
  };
}
