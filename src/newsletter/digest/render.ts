/**
 * Renders a digest as an email: table-based HTML with inline styles (what Outlook, Gmail and
 * Apple Mail all render), a dark-mode block for clients that honour it, and a plain-text
 * part. No tracking pixel, no rewritten links: every link is the story's own.
 */
import type { DigestContent, DigestEvent } from './build.ts';
import { escapeXml } from '../../shared/escape-xml.ts';
import { formatDateTime } from '../../web/i18n.ts';
import { filterParams } from '../../filter-grammar.ts';
import type { DigestChoices } from '../../db/schema/newsletter.ts';
import { localDate } from '../../agenda/timezones.ts';

export interface RenderContext {
  lang: 'fr' | 'en';
  hubTitle: string;
  baseUrl: string;
  timezone: string;
  /** Signed links for this subscriber (absent in the public archive). */
  preferencesUrl?: string;
  unsubscribeUrl?: string;
  /** The edition's date (window end). */
  date: number;
  /**
   * The river filtered by this subscriber's choices, linked from "et N autres articles" when
   * the cap left stories out (default: the whole river).
   */
  moreUrl?: string;
}

const messages = {
  fr: {
    subject: (hub: string, date: string) => `${hub} — la lettre du ${date}`,
    intro: (n: number) =>
      n === 0
        ? 'Pas de nouvel article cette fois-ci.'
        : n === 1
          ? '1 nouvel article des réseaux.'
          : `${n} nouveaux articles des réseaux.`,
    news: 'Actualités',
    events: 'Agenda des prochaines semaines',
    alsoIn: 'aussi publié par',
    more: (n: number) => (n === 1 ? 'et 1 autre article' : `et ${n} autres articles`),
    allDay: 'toute la journée',
    localTime: (t: string, tz: string) => `${t} heure locale, ${tz}`,
    preferences: 'Choisir ce que vous recevez',
    unsubscribe: 'Se désabonner',
    archive: 'Lettres précédentes',
    colon: '\u202f: ',
    why: (hub: string) =>
      `Vous recevez cette lettre parce que vous vous êtes inscrit·e sur ${hub}.`,
  },
  en: {
    subject: (hub: string, date: string) => `${hub} — newsletter of ${date}`,
    intro: (n: number) =>
      n === 0
        ? 'No new story this time.'
        : n === 1
          ? '1 new story from the networks.'
          : `${n} new stories from the networks.`,
    news: 'News',
    events: 'Coming weeks',
    alsoIn: 'also published by',
    more: (n: number) => (n === 1 ? 'and 1 more story' : `and ${n} more stories`),
    allDay: 'all day',
    localTime: (t: string, tz: string) => `${t} local time, ${tz}`,
    preferences: 'Choose what you receive',
    unsubscribe: 'Unsubscribe',
    archive: 'Past issues',
    colon: ': ',
    why: (hub: string) => `You receive this newsletter because you subscribed on ${hub}.`,
  },
};

const DAY: Intl.DateTimeFormatOptions = { dateStyle: 'full' };
const DAY_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' };

/** "mardi 1er décembre 2026" in the hub's zone (the hub's one formatter: web/i18n.ts). */
export function formatDay(ms: number, lang: 'fr' | 'en', timeZone: string): string {
  return formatDateTime(ms, lang, timeZone, DAY);
}

/**
 * When an event happens, in the hub's zone; an all-day event keeps its calendar date (read in
 * its own zone). An event in another zone also gets its local time, as the agenda page shows
 * it ("16:00 heure locale (Indian/Reunion)"), with the date when that differs.
 */
export function formatEventTime(
  e: Pick<DigestEvent, 'start' | 'allDay' | 'timezone'>,
  lang: 'fr' | 'en',
  timeZone: string,
): string {
  if (e.allDay)
    return (
      `${formatDateTime(e.start, lang, e.timezone || timeZone, DAY)} ` +
      `(${messages[lang].allDay})`
    );
  const when = formatDateTime(e.start, lang, timeZone, DAY_TIME);
  if (!e.timezone || e.timezone === timeZone || e.timezone === 'UTC') return when;
  const sameDay = localDate(e.start, e.timezone) === localDate(e.start, timeZone);
  const local = formatDateTime(
    e.start,
    lang,
    e.timezone,
    sameDay ? { timeStyle: 'short' } : { dateStyle: 'long', timeStyle: 'short' },
  );
  return `${when} (${messages[lang].localTime(local, e.timezone)})`;
}

const esc = (s: string) => escapeXml(s);
/** Only http(s) links are kept: a javascript: or data: URL from a feed never reaches a mailbox. */
const safeUrl = (u: string | null) => (u && /^https?:\/\//i.test(u) ? u : null);

/** The river filtered by `choices` (the one filter grammar): where stories past the cap are. */
export function riverUrl(baseUrl: string, choices: DigestChoices): string {
  const filters = filterParams({ ...choices, q: null }).toString();
  return `${baseUrl}/${filters ? `?${filters}` : ''}`;
}

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

export function renderDigest(
  content: DigestContent,
  ctx: RenderContext,
  networkName: (slug: string) => string,
): RenderedDigest {
  const m = messages[ctx.lang];
  const day = formatDay(ctx.date, ctx.lang, ctx.timezone);
  const subject = m.subject(ctx.hubTitle, day);
  const html: string[] = [];
  const text: string[] = [`${ctx.hubTitle} — ${day}`, '', m.intro(content.storyCount), ''];
  const A = 'color:#0b57a4;text-decoration:underline';
  html.push(
    `<!doctype html><html lang="${ctx.lang}"><head><meta charset="utf-8"><meta name="viewport" ` +
      'content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light ' +
      `dark"><meta name="supported-color-schemes" content="light dark"><title>${esc(subject)}` +
      '</title>',
    '<style>@media (prefers-color-scheme:dark){.bg{background:#121212!important}' +
      '.card{background:#1e1e1e!important}.fg,.fg td,.fg p{color:#eeeeee!important}' +
      '.muted{color:#bbbbbb!important}.accent{color:#f0a6d4!important}a{color:#8cc4ff!important}' +
      '}</style></head>',
    '<body class="bg" style="margin:0;padding:0;background:#f4f4f4">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" ' +
      'border="0" class="bg" style="background:#f4f4f4"><tr><td align="center" ' +
      'style="padding:16px 8px">',
    '<table role="presentation" width="600" cellpadding="0" cellspacing="0" ' +
      'border="0" class="card fg" style="max-width:600px;width:100%;background:#ffffff;' +
      'color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
    '<tr><td style="padding:20px 24px 8px 24px"><h1 class="accent" style="margin:0;' +
      `font-size:24px;color:#7a1f5c">${esc(ctx.hubTitle)}</h1><p class="muted" ` +
      `style="margin:4px 0 0 0;color:#555555">${esc(day)}</p><p style="margin:12px 0 0 0">` +
      `${esc(m.intro(content.storyCount))}</p></td></tr>`,
  );
  if (content.groups.length) {
    html.push(
      '<tr><td style="padding:16px 24px 0 24px"><h2 style="margin:0;font-size:20px">' +
        `${esc(m.news)}</h2></td></tr>`,
    );
    text.push(`== ${m.news} ==`, '');
    for (const g of content.groups) {
      html.push(
        '<tr><td style="padding:12px 24px 0 24px"><h3 class="accent" style="margin:0;' +
          'font-size:17px;color:#7a1f5c;border-bottom:1px solid #dddddd;padding-bottom:4px">' +
          `${esc(g.title)}</h3></td></tr>`,
      );
      text.push(`-- ${g.title} --`);
      for (const s of g.stories) {
        const url = safeUrl(s.url);
        const others = s.networks.slice(1).map(networkName);
        const title = url
          ? `<a href="${esc(url)}" style="${A};font-weight:bold">${esc(s.title)}</a>`
          : `<strong>${esc(s.title)}</strong>`;
        html.push(
          `<tr><td style="padding:8px 24px 0 24px"><p style="margin:0">${title}</p>`,
          s.summary ? `<p style="margin:2px 0 0 0">${esc(s.summary)}</p>` : '',
          others.length
            ? '<p class="muted" style="margin:2px 0 0 0;font-size:14px;color:#555555">' +
                `${esc(m.alsoIn)} ${esc(others.join(', '))}</p>`
            : '',
          '</td></tr>',
        );
        text.push(`* ${s.title}`);
        if (url) text.push(`  ${url}`);
        if (s.summary) text.push(`  ${s.summary}`);
        if (others.length) text.push(`  (${m.alsoIn} ${others.join(', ')})`);
        text.push('');
      }
    }
  }
  const more = content.moreStories ?? 0;
  if (more > 0) {
    // The cap is said, with where to read the rest: the river filtered the same way.
    const moreUrl = ctx.moreUrl ?? `${ctx.baseUrl}/`;
    html.push(
      `<tr><td style="padding:12px 24px 0 24px"><p style="margin:0"><a href="${esc(moreUrl)}" ` +
        `style="${A};font-weight:bold">${esc(m.more(more))}</a></p></td></tr>`,
    );
    text.push(`… ${m.more(more)}${m.colon}${moreUrl}`, '');
  }
  if (content.events.length) {
    html.push(
      '<tr><td style="padding:20px 24px 0 24px"><h2 style="margin:0;font-size:20px">' +
        `${esc(m.events)}</h2></td></tr>`,
    );
    text.push(`== ${m.events} ==`, '');
    for (const e of content.events) {
      const when = formatEventTime(e, ctx.lang, ctx.timezone);
      const url = safeUrl(e.url) ?? `${ctx.baseUrl}/events/${encodeURIComponent(e.id)}`;
      const where = [e.location, e.networks.map(networkName).join(', ')]
        .filter(Boolean)
        .join(' · ');
      html.push(
        `<tr><td style="padding:8px 24px 0 24px"><p style="margin:0"><a href="${esc(url)}" ` +
          `style="${A};font-weight:bold">${esc(e.title)}</a></p>`,
        `<p style="margin:2px 0 0 0">${esc(when)}</p>`,
        where
          ? `<p class="muted" style="margin:2px 0 0 0;font-size:14px;color:#555555">${esc(where)}` +
              '</p>'
          : '',
        '</td></tr>',
      );
      text.push(`* ${e.title}`, `  ${when}`);
      if (where) text.push(`  ${where}`);
      text.push(`  ${url}`, '');
    }
  }
  const footer: string[] = [];
  const footerText: string[] = [];
  if (ctx.preferencesUrl) {
    footer.push(`<a href="${esc(ctx.preferencesUrl)}" style="${A}">${esc(m.preferences)}</a>`);
    footerText.push(`${m.preferences}${m.colon}${ctx.preferencesUrl}`);
  }
  if (ctx.unsubscribeUrl) {
    footer.push(`<a href="${esc(ctx.unsubscribeUrl)}" style="${A}">${esc(m.unsubscribe)}</a>`);
    footerText.push(`${m.unsubscribe}${m.colon}${ctx.unsubscribeUrl}`);
  }
  const archive = `${ctx.baseUrl}/newsletter/archive`;
  footer.push(`<a href="${esc(archive)}" style="${A}">${esc(m.archive)}</a>`);
  footerText.push(`${m.archive}${m.colon}${archive}`);
  html.push(
    '<tr><td class="muted" style="padding:24px;font-size:14px;color:#555555;border-top:1px solid ' +
      '#dddddd">',
    ctx.unsubscribeUrl ? `<p style="margin:0 0 8px 0">${esc(m.why(ctx.hubTitle))}</p>` : '',
    `<p style="margin:0">${footer.join(' · ')}</p></td></tr></table></td></tr></table></body>` +
      '</html>',
  );
  text.push('--', ...(ctx.unsubscribeUrl ? [m.why(ctx.hubTitle)] : []), ...footerText, '');
  return { subject, html: html.join(''), text: text.join('\n') };
}
