/// <reference types="astro/client" />
declare namespace App {
  interface Locals {
    // Given by the API's server for each request (api/src/http/site.ts):
    /** The API, called in-process through its HTTP interface. */
    api: import('./lib/api-client.ts').ApiClient;
    /** The citizen's address, for the API's rate limits. */
    clientIp: string | null;
    /** Signs form tokens. */
    secret: string;
    /** Mark cookies Secure (COOKIE_SECURE). */
    cookieSecure: boolean;

    // Set by src/middleware.ts:
    locale: import('./i18n/index.ts').Locale;
    /** 长辈模式: larger type, higher contrast, bigger targets. */
    care: boolean;
    m: import('./i18n/index.ts').Messages;
    /** The token every form on the page carries (field `_csrf`). */
    csrfToken: string;
    /** A POST's fields, read once; null on GET. */
    form: FormData | null;
    /** False when a POST came without a valid form token (expired page): show the form again, do nothing. */
    formTrusted: boolean;
  }
}
