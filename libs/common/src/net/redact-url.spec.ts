import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['https://example.com/hooks/1?token=s3cret&x=1', 'https://example.com/hooks/1?[redacted]'],
    ['https://user:pa55@example.com:8443/h', 'https://[redacted]@example.com:8443/h'],
    ['http://127.0.0.1:9/plain', 'http://127.0.0.1:9/plain'],
    ['not a url ?key=s3cret', 'not a url ?[redacted]'],
  ])('%s → %s', (raw, shown) => {
    expect(redactUrl(raw)).toBe(shown);
  });
});
