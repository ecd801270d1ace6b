import type { Deps } from '../deps.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { HUB_VERSION } from '../version.ts';

/** What the hub reads, best first: members see in their logs that a feed reader is asking. */
export const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, text/calendar, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5';

const memo = new WeakMap<object, Promise<string>>();

/**
 * `IntercoopHub/0.1.0 (+https://hub.example.org)`: the contact URL lets a member's admin find
 * who is polling them. HUB_BASE_URL first, else the federation file's base_url (read once per
 * database), never a loopback address (it tells nobody anything).
 */
export function userAgent(deps: Deps): Promise<string> {
  if (deps.config.baseUrl) return Promise.resolve(agentFor(deps.config.baseUrl));
  let agent = memo.get(deps.db);
  if (!agent) {
    agent = readHubSettings(deps.db).then(
      (s) => agentFor(s.baseUrl),
      () => agentFor(undefined),
    );
    memo.set(deps.db, agent);
  }
  return agent;
}

export function agentFor(baseUrl: string | undefined): string {
  const useful =
    baseUrl &&
    /^https?:\/\//.test(baseUrl) &&
    !/^https?:\/\/(127\.|localhost|\[::1\])/i.test(baseUrl);
  return `IntercoopHub/${HUB_VERSION}${useful ? ` (+${baseUrl.replace(/\/+$/, '')})` : ''}`;
}
