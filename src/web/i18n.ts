import type { Context } from 'hono';

export type Lang = 'fr' | 'en';

/**
 * The reader's language: `?lang=` first, then Accept-Language, then the hub's default.
 * French is the default of the federation; English is the second language.
 */
export function pickLang(c: Context, fallback: Lang = 'fr'): Lang {
  const q = c.req.query('lang');
  if (q === 'fr' || q === 'en') return q;
  const header = c.req.header('accept-language');
  if (header) {
    const ranked = header
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().split(';');
        const qv = params.find((p) => p.trim().startsWith('q='));
        return { tag: (tag ?? '').toLowerCase(), q: qv ? Number(qv.trim().slice(2)) || 0 : 1 };
      })
      .sort((a, b) => b.q - a.q);
    for (const { tag } of ranked) {
      if (tag.startsWith('fr')) return 'fr';
      if (tag.startsWith('en')) return 'en';
    }
  }
  return fallback;
}

/** A feature's messages in both languages; `messages(lang)` picks one set. */
export function defineMessages<T extends Record<string, string | ((...args: any[]) => string)>>(m: {
  fr: T;
  en: T;
}) {
  return (lang: Lang): T => m[lang];
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Formats an instant for people, in `timeZone`: the hub's one date formatter (pages, feeds'
 * pages, the agenda, the digest and its archive). French writes the first day of a month as
 * an ordinal, "1er décembre" (Intl writes "1 décembre"): applied wherever the month is a word.
 * Formatters are kept per options, since a digest run formats thousands of dates.
 */
export function formatDateTime(
  date: Date | number,
  lang: Lang,
  timeZone: string,
  opts: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' },
): string {
  const key = `${lang}|${timeZone}|${JSON.stringify(opts)}`;
  let f = dateFormatters.get(key);
  if (!f) {
    if (dateFormatters.size >= 500) dateFormatters.clear();
    f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { ...opts, timeZone });
    dateFormatters.set(key, f);
  }
  if (lang !== 'fr') return f.format(date);
  const parts = f.formatToParts(date);
  const wordMonth = parts.some((p) => p.type === 'month' && !/^\d+$/.test(p.value));
  return parts
    .map((p) => (wordMonth && p.type === 'day' && p.value === '1' ? '1er' : p.value))
    .join('');
}
