/**
 * Relay detection for events: whether an event another network publishes is the same event.
 *
 * Only the same event merges: the same start instant and the same recurrence, then either the
 * same page (URL) or a title that matches once relay marks are removed. A place never makes a
 * merge on its own: it confirms a looser title only when the words that tell places apart
 * (a city, a room, a street number) agree, and it vetoes when they differ — "Maison des
 * associations, Lille" and "Maison des associations, Montpellier" share a prefix, not a place.
 * A wrong merge hides an event (and a series absorbed by a one-off loses its dates), a missed
 * one only shows it twice: every rule errs on the side of keeping apart.
 */
import { canonicalUrl, isStoryUrl } from '../ingest/canonical-url.ts';
import { foldText, serialMarks, stripTitleRelay } from '../ingest/dedupe/text.ts';

const STOP = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'l',
  'd',
  'et',
  'a',
  'au',
  'aux',
  'en',
  'un',
  'une',
  'the',
  'of',
  'and',
  'for',
  'pour',
  'sur',
  'avec',
]);

/**
 * Words that name a kind of place, shared by countless venues: they never tell two places apart,
 * so they neither confirm nor contradict. What is left (proper names, cities, numbers of rooms,
 * streets and postcodes) is the distinguishing part of a place.
 */
const GENERIC_PLACE_WORDS = new Set(
  (
    'maison salle salles centre center espace lieu tiers local locaux foyer mairie hotel ville ' +
    'associations association asso social sociale socioculturel culturel culturelle culture ' +
    'bibliotheque mediatheque ecole college lycee universite campus gymnase stade parc jardin ' +
    'place rue avenue boulevard bd av chemin route allee quai impasse cours batiment bat etage ' +
    'rdc entree porte accueil sous sol grande petite grand petit cafe bar restaurant ferme ' +
    'atelier ateliers cooperative coop scop scic siege bureau bureaux zoom visio visioconference ' +
    'fetes fete polyvalente municipale communale conference conferences reunion reunions ' +
    'ligne online distance france cedex st ste saint sainte'
  ).split(' '),
);

/** Normalised title: relay marks, case, accents and punctuation folded away. */
export function eventTitleKey(title: string | null | undefined): string {
  return title ? foldText(stripTitleRelay(title)) : '';
}

function tokens(s: string): Set<string> {
  return new Set(
    foldText(s)
      .split(' ')
      .filter((w) => w && !STOP.has(w)),
  );
}

/** Jaccard similarity of the meaningful words of two strings (0 when either is empty). */
export function wordSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  if (!a || !b) return 0;
  const x = tokens(a);
  const y = tokens(b);
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}

/**
 * Whether one title says the other plus a few words ("Atelier compost" / "Atelier compost
 * partagé"): two titles that each say something the other does not are two events.
 */
function titleWithin(a: string, b: string): boolean {
  const x = tokens(stripTitleRelay(a));
  const y = tokens(stripTitleRelay(b));
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  if (small.size < 2) return false;
  for (const w of small) if (!large.has(w)) return false;
  return small.size / large.size >= 0.5;
}

/** The distinguishing words of a place: its tokens without the generic ones. */
function placeWords(location: string | null | undefined): Set<string> {
  const out = new Set<string>();
  if (!location) return out;
  for (const w of tokens(location))
    if (!GENERIC_PLACE_WORDS.has(w) && (w.length > 1 || /\d/.test(w))) out.add(w);
  return out;
}

/**
 * How two places relate: `conflict` when each names something the other does not (another city,
 * room or street number), `confirm` when they share distinguishing words and neither names
 * something the other contradicts, `unknown` otherwise (a place missing, or only generic words).
 */
export function venueRelation(
  a: string | null | undefined,
  b: string | null | undefined,
): 'conflict' | 'confirm' | 'unknown' {
  const x = placeWords(a);
  const y = placeWords(b);
  if (!x.size || !y.size) return 'unknown';
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  const onlyX = x.size - shared;
  const onlyY = y.size - shared;
  // One place more precise than the other ("Lille" / "MDA, 59000 Lille") does not contradict it.
  if (onlyX > 0 && onlyY > 0) return 'conflict';
  return shared > 0 ? 'confirm' : 'unknown';
}

/** A recurrence rule with its parts in a stable order ("same rule" whatever the writer's order). */
export function normaliseRrule(rrule: string | null | undefined): string {
  if (!rrule) return '';
  return rrule
    .toUpperCase()
    .replace(/^RRULE:/, '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p && p !== 'WKST=MO' && p !== 'INTERVAL=1')
    .sort()
    .join(';');
}

// A calendar's own page or a listing is shared by every event it links to: never a merge key.
const LISTING_PAGE = /\/(?:agenda|evenements?|events?|calendrier|calendar|actualites|news)\/?$/i;

/** The URL of an event when it can identify it: canonical, not a site's home or agenda page. */
export function eventPageUrl(url: string | null | undefined): string | null {
  const canonical = canonicalUrl(url);
  if (!isStoryUrl(canonical)) return null;
  return LISTING_PAGE.test(new URL(canonical).pathname) ? null : canonical;
}

export interface RelayCandidate {
  title: string;
  location: string | null;
  url: string | null;
  /** Start instant (epoch ms). */
  start: number;
  rrule: string | null;
}

export interface EventMerge {
  reason: 'same_url' | 'same_event';
  /** What decided, in words (stored with the provenance, shown in the console). */
  detail: string;
}

/** Whether two events of different sources are one event relayed, and why (null: keep apart). */
export function sameEvent(a: RelayCandidate, b: RelayCandidate): EventMerge | null {
  if (a.start !== b.start) return null;
  // A weekly series and a one-off, or two different rules, only share their first date.
  if (normaliseRrule(a.rrule) !== normaliseRrule(b.rrule)) return null;
  const place = venueRelation(a.location, b.location);
  if (place === 'conflict') return null;
  const ma = serialMarks(a.title);
  const mb = serialMarks(b.title);
  if (ma && mb && ma !== mb) return null;
  const ua = eventPageUrl(a.url);
  if (ua && ua === eventPageUrl(b.url)) return { reason: 'same_url', detail: `${ua}, même début` };
  const ka = eventTitleKey(a.title);
  // A generic title ("Assemblée générale") is held by many networks at the usual hours: it
  // needs the place to agree as well.
  if (ka && ka === eventTitleKey(b.title) && (place === 'confirm' || tokens(ka).size >= 3))
    return { reason: 'same_event', detail: 'même début, même titre (marques de relais ôtées)' };
  if (place === 'confirm' && titleWithin(a.title, b.title))
    return { reason: 'same_event', detail: 'même début, titre proche, même lieu' };
  return null;
}
