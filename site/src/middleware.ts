import { defineMiddleware } from 'astro:middleware';
import { isLocale, messages } from './i18n/index.ts';
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, csrfTokenMatches, isCrossSite, isCsrfSeed, newCsrfSeed } from './lib/csrf.ts';

const YEAR = 365 * 24 * 3600;

export const onRequest = defineMiddleware(async (context, next) => {
  const { cookies, request, locals } = context;
  const lang = cookies.get('lang')?.value;
  locals.locale = isLocale(lang) ? lang : 'zh-CN';
  locals.care = cookies.get('care')?.value === '1';
  locals.m = messages(locals.locale);

  let seed = cookies.get(CSRF_COOKIE)?.value;
  if (!isCsrfSeed(seed)) {
    seed = newCsrfSeed();
    // A security cookie, not a tracker: it holds nothing about the citizen.
    cookies.set(CSRF_COOKIE, seed, { httpOnly: true, sameSite: 'lax', path: '/', secure: locals.cookieSecure, maxAge: YEAR });
  }
  // Astro renders its error pages (500) without the locals the server passed in:
  // such a page still renders, and a form posted from it is simply not trusted.
  locals.csrfToken = locals.secret ? csrfToken(locals.secret, seed) : '';
  locals.form = null;
  locals.formTrusted = false;

  if (request.method === 'POST') {
    if (isCrossSite(request)) {
      return new Response(locals.m.common.form.crossSite, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
    }
    try {
      locals.form = await request.formData();
    } catch {
      locals.form = new FormData();
    }
    locals.formTrusted = !!locals.secret && csrfTokenMatches(locals.secret, seed, locals.form.get(CSRF_FIELD));
  }

  const response = await next();
  if (!response.headers.has('cache-control')) {
    // Pages carry the visitor's form token, and answers to a POST may hold personal data.
    response.headers.set('cache-control', request.method === 'POST' ? 'no-store' : 'private, no-cache');
  }
  return response;
});
