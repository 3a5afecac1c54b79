/// <reference types="astro/client" />
declare namespace App {
  interface Locals {
    /** The API, called in-process through its HTTP interface (api/src/http/site.ts). */
    api: import('./lib/api-client.ts').ApiClient;
    /** The citizen's address, for the API's rate limits. */
    clientIp: string | null;
  }
}
