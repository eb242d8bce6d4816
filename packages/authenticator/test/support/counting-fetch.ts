import type { IssuerFetch } from "../../src/index.js";

/** A fetch that records every request URL, passed to the authenticator through its `fetch` option. */
export function countingFetch(): IssuerFetch & {
  urls: string[];
  count(fragment?: string): number;
  reset(): void;
} {
  const urls: string[] = [];
  const wrapped = (async (url: string, init: RequestInit) => {
    urls.push(String(url));
    return fetch(url, init);
  }) as IssuerFetch & { urls: string[]; count(fragment?: string): number; reset(): void };
  wrapped.urls = urls;
  wrapped.count = (fragment) =>
    fragment === undefined ? urls.length : urls.filter((u) => u.includes(fragment)).length;
  wrapped.reset = () => {
    urls.length = 0;
  };
  return wrapped;
}
