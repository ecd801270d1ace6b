/**
 * What a member's VEVENT may carry into /agenda.ics and /events/:id.ics. The hub republishes
 * to every subscriber's calendar app what any member wrote: the same rules as /agenda.json and
 * the pages apply, by allowlist rather than by listing the dangerous properties (there is
 * always another: ATTACH, X-ALT-DESC, IMAGE, CONFERENCE, an ALTREP parameter…).
 * - URL: http(s) only, else the hub's own page for the event;
 * - no attachments, no HTML alternates, no people (ORGANIZER, ATTENDEE, CONTACT): personal data;
 * - DESCRIPTION as plain text (HTML tags removed, entities decoded);
 * - parameters only where the value needs them (TZID, VALUE); sub-components (alarms) dropped.
 */
import ICAL from 'ical.js';

/** The properties kept, each with the parameters it may keep. */
const KEPT: Record<string, readonly string[]> = {
  uid: [],
  dtstamp: [],
  dtstart: ['tzid', 'value'],
  dtend: ['tzid', 'value'],
  duration: [],
  rrule: [],
  rdate: ['tzid', 'value'],
  exdate: ['tzid', 'value'],
  'recurrence-id': ['tzid', 'value', 'range'],
  summary: [],
  description: [],
  location: [],
  url: [],
  status: [],
  categories: [],
  geo: [],
  transp: [],
  class: [],
  'x-intercoop-networks': [],
};

/** Reduces a VEVENT to what may be republished; a URL that is not http(s) becomes `eventPage`. */
export function keepRepublishable(c: ICAL.Component, eventPage: string): void {
  for (const sub of [...c.getAllSubcomponents()]) c.removeSubcomponent(sub);
  for (const p of [...c.getAllProperties()]) {
    const allowed = KEPT[p.name];
    if (!allowed) {
      c.removeProperty(p);
      continue;
    }
    for (const param of Object.keys(p.toJSON()[1] as Record<string, unknown>))
      if (!allowed.includes(param)) p.removeParameter(param);
  }
  const urls = [...c.getAllProperties('url')];
  for (const [i, p] of urls.entries()) {
    if (i > 0) c.removeProperty(p);
    else if (!isHttpUrl(String(p.getFirstValue() ?? ''))) p.setValue(eventPage);
  }
  for (const p of [...c.getAllProperties('description')]) {
    const text = String(p.getFirstValue() ?? '');
    const plain = plainText(text);
    if (plain) p.setValue(plain);
    else c.removeProperty(p);
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * Text as a calendar app shows it: HTML (which many calendars put in DESCRIPTION) turned into
 * lines, its scripts and styles dropped with their content, entities decoded; control
 * characters removed. Plain text is returned as it is, but for the controls.
 */
export function plainText(value: string): string {
  let text = value;
  // Again after decoding: `&lt;script&gt;` is a tag to a calendar app that renders HTML.
  for (let pass = 0; pass < 3 && /<[a-z!/?][^>]*>/i.test(text); pass++) {
    text = text
      .replace(/<(script|style|template|iframe|object|noscript)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
      .replace(/<!--[\s\S]*?(-->|$)/g, '')
      .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr|blockquote)\s*>/gi, '\n')
      .replace(/<[^>]*>?/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => decodeEntity(all, name))
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n');
  }
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '').trim();
}

function decodeEntity(all: string, name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('#')) {
    const code = lower.startsWith('#x')
      ? Number.parseInt(lower.slice(2), 16)
      : Number.parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  }
  return ENTITIES[lower] ?? all;
}
