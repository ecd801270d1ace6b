/**
 * Why an entry joined a story (entries.merge_reason) or an event's provenance joined an event
 * (event_sources.merge_reason), in words for people: stored at the head of merge_detail and
 * shown wherever merges are listed (console, `items show`).
 */
const WORDS: Record<string, string> = {
  first: 'premier publié',
  guid: 'même identifiant (guid)',
  canonical_url: 'même URL canonique',
  near_duplicate: 'texte quasi identique',
  excerpt: 'extrait relayé',
  manual: 'séparé par un·e coordinateur·rice',
  same_event: 'même événement',
  same_url: 'même URL',
};

/** The words for a merge reason code (the code itself when unknown). */
export function mergeReasonWords(reason: string): string {
  return WORDS[reason] ?? reason;
}
