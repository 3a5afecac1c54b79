import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Double-submit with a signed token: a random seed in an HttpOnly cookie, and
// in every form the seed's HMAC under the server's secret. A page on another
// site can neither read the cookie nor compute the token.

export const CSRF_COOKIE = 'hotline_csrf';
export const CSRF_FIELD = '_csrf';

export const newCsrfSeed = () => randomBytes(18).toString('base64url');
export const isCsrfSeed = (value: string | undefined): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{24}$/.test(value);

export function csrfToken(secret: string, seed: string): string {
  return createHmac('sha256', secret).update(`csrf:${seed}`).digest('base64url');
}

export function csrfTokenMatches(secret: string, seed: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, seed));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A browser says where a form was sent from (Origin, Sec-Fetch-Site); a form
 * posted from another site is refused before its body is read.
 */
export function isCrossSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  const host = request.headers.get('host');
  try {
    return host !== null && new URL(origin).host !== host;
  } catch {
    return true;
  }
}
