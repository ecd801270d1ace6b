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

/** Formats an instant for people, in the hub's time zone. */
export function formatDateTime(
  date: Date,
  lang: Lang,
  timeZone: string,
  opts: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' },
): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { ...opts, timeZone }).format(
    date,
  );
}
