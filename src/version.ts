/** The hub's version, as in package.json (test/unit/fetch-helpers.test.ts keeps them equal). Sent in the User-Agent. */
export const HUB_VERSION = '0.1.0';
