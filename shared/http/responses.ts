import type { APIGatewayProxyResult } from 'aws-lambda';

/** Headers every response carries: no caching of personal data, no framing, no sniffing, no external anything. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function html(statusCode: number, body: string, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...headers },
    body,
  };
}

/** 303 See Other: after a form POST, the browser GETs `location`, so a refresh never posts again. */
export function seeOther(location: string): APIGatewayProxyResult {
  return { statusCode: 303, headers: { ...SECURITY_HEADERS, location, 'content-type': 'text/plain; charset=utf-8' }, body: `See ${location}` };
}
