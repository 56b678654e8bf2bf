/**
 * A URL fit for an email or a log line: a query string or user info may carry
 * a credential (`?token=…`, `user:pass@`), so both are replaced by a marker.
 * Anything that does not parse as a URL is cut to its part before `?`.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const cut = raw.indexOf('?');
    return cut < 0 ? raw : `${raw.slice(0, cut)}?[redacted]`;
  }
  const userinfo = url.username || url.password ? '[redacted]@' : '';
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${url.search ? '?[redacted]' : ''}`;
}
