/**
 * A labelled corpus for bench/dedup: stories published by one network and relayed by others
 * with every variation of issue 3, plus near-miss negatives that must stay apart. Deterministic
 * (seeded PRNG) so figures are comparable from run to run.
 */
import type { ParsedItem } from '../src/ingest/types.ts';
import { prng } from './prng.ts';

export interface CorpusEntry {
  /** Ground truth: entries with the same story are one item. */
  story: string;
  network: string;
  item: ParsedItem;
  /** Which variation produced it (for the per-kind report). */
  kind: string;
}

const DAY = 86_400_000;
const STOP = [
  'le',
  'la',
  'les',
  'de',
  'des',
  'du',
  'et',
  'pour',
  'avec',
  'dans',
  'sur',
  'un',
  'une',
  'en',
  'au',
  'aux',
  'par',
  'qui',
  'que',
  'est',
  'sont',
  'nous',
  'vous',
  'leur',
  'ce',
  'cette',
  'plus',
  'tout',
];
const SYLLABLES = [
  'co',
  'op',
  'ra',
  'ti',
  've',
  'mu',
  'tu',
  'el',
  'le',
  'ter',
  'ri',
  'toi',
  're',
  'so',
  'li',
  'dai',
  'fo',
  'rma',
  'tion',
  'pro',
  'jet',
  'ha',
  'bi',
  'tat',
  'ag',
  'ri',
  'cul',
  'tu',
  're',
  'ener',
  'gie',
  'ci',
  'to',
  'yen',
  'mo',
  'bi',
  'li',
  'te',
  'lo',
  'cal',
  'an',
  'ima',
  'sa',
  'voir',
  'fai',
  're',
  'gou',
  'ver',
  'nan',
  'ce',
];

export function buildCorpus(stories: number, seed = 42): CorpusEntry[] {
  const rnd = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const vocab = Array.from({ length: 4000 }, () =>
    Array.from({ length: int(2, 4) }, () => pick(SYLLABLES)).join(''),
  );
  const word = () => (rnd() < 0.4 ? pick(STOP) : pick(vocab));
  const sentence = (n = int(10, 22)) => {
    const w = Array.from({ length: n }, word).join(' ');
    return `${w[0]!.toUpperCase()}${w.slice(1)}.`;
  };
  const paragraph = () => Array.from({ length: int(2, 4) }, () => sentence()).join(' ');
  const title = () => {
    const w = Array.from({ length: int(4, 8) }, () => pick(vocab)).join(' ');
    return `${w[0]!.toUpperCase()}${w.slice(1)}`;
  };
  const networks = Array.from({ length: 12 }, (_, i) => `reseau-${String.fromCharCode(97 + i)}`);
  const start = Date.UTC(2026, 0, 1);
  const out: CorpusEntry[] = [];
  let guidSeq = 0;
  const nextGuid = (net: string) => `${net}-post-${++guidSeq}`;

  // Title variants that keep the same story.
  const titleVariants: Array<[string, (t: string, from: string) => string]> = [
    ['title-same', (t) => t],
    ['title-relais', (t) => `[Relais] ${t}`],
    ['title-relaye', (t, from) => `Relayé depuis ${from} : ${t}`],
    ['title-case', (t) => t.toUpperCase()],
    ['title-bang', (t) => `${t} !`],
    ['title-quotes', (t) => t.replace(/'/g, '’').replace(/"([^"]*)"/g, '« $1 »')],
  ];
  // URL variants of the original link.
  const urlVariants: Array<[string, (u: string) => string]> = [
    ['url-utm', (u) => `${u}?utm_source=newsletter&utm_medium=email&utm_campaign=mars`],
    ['url-fbclid', (u) => `${u}?fbclid=IwAR${int(1000, 9999)}`],
    ['url-mailchimp', (u) => `${u}?mc_cid=${int(1000, 9999)}&mc_eid=${int(1000, 9999)}`],
    ['url-http-www', (u) => u.replace('https://', 'http://www.')],
    ['url-slash-fragment', (u) => `${u}/#commentaires`],
    ['url-amp', (u) => `${u}/amp`],
    ['url-amp-param', (u) => `${u}?amp=1`],
    ['url-amp-host', (u) => u.replace('https://', 'https://amp.')],
    ['url-feedproxy', () => `http://feedproxy.google.com/~r/Relais/~3/${int(100000, 999999)}/`],
  ];

  // What excerpt relays (added last, so the corpus above stays as it was) quote.
  const told: Array<{
    s: number;
    origin: string;
    title: string;
    paragraphs: string[];
    published: number;
    relays: string[];
  }> = [];
  for (let s = 0; s < stories; s++) {
    const origin = networks[s % networks.length]!;
    const storyId = `story-${s}`;
    const published = start + Math.floor(rnd() * 170 * DAY);
    const url = `https://${origin}.example/actus/${s}-${int(1, 9999)}`;
    const paragraphs = Array.from({ length: int(3, 6) }, paragraph);
    let t = title();
    if (rnd() < 0.3) t = `L'${t.toLowerCase()} "${pick(vocab)}"`;
    const html = paragraphs.map((p) => `<p>${p}</p>`).join('');
    out.push({
      story: storyId,
      network: origin,
      kind: 'original',
      item: {
        guid: url,
        url,
        title: t,
        published: new Date(published),
        updated: null,
        author: null,
        summary: null,
        contentHtml: html,
        categories: [],
        enclosures: [],
      },
    });

    const relayCount = rnd() < 0.25 ? 0 : int(1, 4);
    const relayNets = networks
      .filter((n) => n !== origin)
      .sort(() => rnd() - 0.5)
      .slice(0, relayCount);
    told.push({ s, origin, title: t, paragraphs, published, relays: relayNets });
    for (const net of relayNets) {
      const when = new Date(published + int(1, 5 * 24) * 3_600_000);
      const [tKind, tFn] = pick(titleVariants);
      const relayTitle = tFn(t, origin);
      const mode = rnd();
      let kind: string;
      let link: string;
      let guid = nextGuid(net);
      let body: string | null = html;
      let relayTitleFinal = relayTitle;
      const firstHalf = paragraphs
        .slice(0, Math.max(2, Math.ceil(paragraphs.length / 2)))
        .map((p) => `<p>${p}</p>`)
        .join('');
      if (mode < 0.4) {
        const [uKind, uFn] = pick(urlVariants);
        link = uFn(url);
        if (uKind === 'url-feedproxy') guid = url; // FeedBurner keeps the original link in the guid
        kind = `${uKind}+${tKind}`;
      } else {
        link = `https://${net}.example/relais/${s}`;
        const b = rnd();
        if (b < 0.25)
          (body = `<p>Relayé depuis ${origin}</p>${html}`), (kind = `own-url+relaye-body+${tKind}`);
        else if (b < 0.42) (body = firstHalf), (kind = `own-url+truncated+${tKind}`);
        else if (b < 0.56)
          (body = `${html}<p>${sentence()}</p>`), (kind = `own-url+edited+${tKind}`);
        else if (b < 0.66) kind = `own-url+same-body+${tKind}`;
        else if (b < 0.74)
          (body = `<p>${paragraphs[0]!.split('. ')[0]}.</p>`),
            (kind = `own-url+first-sentence+${tKind}`);
        else if (b < 0.8) (body = null), (kind = `own-url+title-only+${tKind}`);
        else if (b < 0.9) (relayTitleFinal = title()), (kind = 'own-url+rewritten-title+same-body');
        else if (b < 0.95)
          (relayTitleFinal = `[Relais] ${relayTitle}`),
            (body = `<p>Relayé depuis ${pick(networks)}</p><p>Relayé depuis ${origin}</p>${html}`),
            (kind = 'own-url+relay-of-relay');
        else
          (relayTitleFinal = title()),
            (body = firstHalf),
            (kind = 'own-url+rewritten-title+truncated');
      }
      out.push({
        story: storyId,
        network: net,
        kind,
        item: {
          guid,
          url: link,
          title: relayTitleFinal,
          published: when,
          updated: null,
          author: null,
          summary: null,
          contentHtml: body,
          categories: [],
          enclosures: [],
        },
      });
    }
  }

  // Near-miss negatives: each one its own story.
  const negatives = Math.max(20, Math.floor(stories / 4));
  const template = Array.from({ length: 3 }, paragraph);
  for (let i = 0; i < negatives; i++) {
    const net = pick(networks);
    const other = pick(networks.filter((n) => n !== net));
    const when = start + Math.floor(rnd() * 170 * DAY);
    const add = (network: string, kind: string, t: string, html: string, at: number) => {
      const u = `https://${network}.example/n/${i}-${kind}-${out.length}`;
      out.push({
        story: `neg-${out.length}`,
        network,
        kind,
        item: {
          guid: u,
          url: u,
          title: t,
          published: new Date(at),
          updated: null,
          author: null,
          summary: null,
          contentHtml: html,
          categories: [],
          enclosures: [],
        },
      });
    };
    const k = i % 6;
    if (k === 0) {
      // Serial newsletter: same template, different numbers, relayed by another network.
      const extra = `<p>${paragraph()}</p>`;
      add(
        net,
        'serial-newsletter',
        `Lettre d'information n°${2 * i + 1}`,
        template.map((p) => `<p>${p}</p>`).join('') + extra,
        when,
      );
      add(
        other,
        'serial-newsletter',
        `[Relais] Lettre d'information n°${2 * i + 2}`,
        template.map((p) => `<p>${p}</p>`).join('') + extra,
        when + 7 * DAY,
      );
    } else if (k === 1) {
      // Workshop series: identical text, session number in the title.
      const html = Array.from({ length: 3 }, paragraph)
        .map((p) => `<p>${p}</p>`)
        .join('');
      const t1 = `Atelier ${pick(vocab)} — session 1`;
      add(net, 'serial-session', t1, html, when);
      add(other, 'serial-session', t1.replace('session 1', 'session 2'), html, when + 7 * DAY);
    } else if (k === 2) {
      // Dated events with the same text.
      const html = Array.from({ length: 2 }, paragraph)
        .map((p) => `<p>${p}</p>`)
        .join('');
      add(net, 'serial-date', `Permanence ${pick(vocab)} du 3 mars`, html, when);
      add(
        other,
        'serial-date',
        out[out.length - 1]!.item.title!.replace('3 mars', '10 mars'),
        html,
        when + 7 * DAY,
      );
    } else if (k === 3) {
      // Same generic title, different stories.
      add(
        net,
        'same-title',
        'Assemblée générale',
        `<p>${paragraph()}</p><p>${paragraph()}</p>`,
        when,
      );
      add(
        other,
        'same-title',
        'Assemblée générale !',
        `<p>${paragraph()}</p><p>${paragraph()}</p>`,
        when + DAY,
      );
    } else if (k === 5) {
      // Short posts drowned in the same network boilerplate, relayed by another network.
      const footer = `<p>${template[1]}</p><p>${template[2]}</p>`;
      add(net, 'boilerplate', title(), `<p>${sentence()}</p>${footer}`, when);
      add(other, 'boilerplate', title(), `<p>${sentence()}</p>${footer}`, when + DAY);
    } else {
      // Follow-up quoting one paragraph of an earlier post, and a job offer sharing a template paragraph.
      const first = Array.from({ length: 4 }, paragraph);
      add(net, 'follow-up', title(), first.map((p) => `<p>${p}</p>`).join(''), when);
      add(
        other,
        'follow-up',
        `Retour sur ${title().toLowerCase()}`,
        `<p>${first[0]}</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when + 3 * DAY,
      );
      add(
        net,
        'job-offer',
        'Offre d’emploi : chargé·e de mission',
        `<p>${template[0]}</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when,
      );
      add(
        other,
        'job-offer',
        "Offre d'emploi : chargé·e de mission",
        `<p>${template[0]}</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when + 2 * DAY,
      );
    }
  }
  addExcerptRelays(out, told, networks, { rnd, pick, int, sentence, paragraph, title });
  return out;
}

interface Writer {
  rnd: () => number;
  pick: <T>(list: T[]) => T;
  int: (lo: number, hi: number) => number;
  sentence: (n?: number) => string;
  paragraph: () => string;
  title: () => string;
}

function entry(
  story: string,
  network: string,
  kind: string,
  url: string,
  title: string,
  html: string,
  at: number,
): CorpusEntry {
  return {
    story,
    network,
    kind,
    item: {
      guid: url,
      url,
      title,
      published: new Date(at),
      updated: null,
      author: null,
      summary: null,
      contentHtml: html,
      categories: [],
      enclosures: [],
    },
  };
}

/**
 * Excerpt relays (issue 15): another network relays only the opening of a story under its own
 * URL, a lightly changed title and a phrase of its own around the quote; and their near-misses,
 * which must stay apart: a shared boilerplate opening under a relay-like title, the same long
 * opening sentence starting two different stories, a follow-up quoting the opening then going on.
 */
function addExcerptRelays(
  out: CorpusEntry[],
  told: Array<{
    s: number;
    origin: string;
    title: string;
    paragraphs: string[];
    published: number;
    relays: string[];
  }>,
  networks: string[],
  w: Writer,
): void {
  const { rnd, pick, int, sentence, paragraph, title } = w;
  const titles: Array<(t: string, from: string, net: string) => string> = [
    (t) => `${t} (relais)`,
    (t, _from, net) => `${t} – relayé par ${net}`,
    (t, from) => `${t} (via ${from})`,
    (t) => `[Relais] ${t}`,
    (t) => t,
    (t) => `À lire : ${t}`,
  ];
  const intros: Array<(from: string) => string> = [
    (from) => `<p>Nous relayons cet article de nos amis de ${from} :</p>`,
    (from) => `<p>À lire chez ${from}, qui écrit :</p>`,
    (from) => `<p>Un article de ${from} que nous vous recommandons.</p>`,
    () => '',
  ];
  const outros: Array<(from: string, url: string) => string> = [
    (from) => `<p>Lire la suite sur le site de ${from}.</p>`,
    (_from, url) => `<p>La suite : ${url}</p>`,
    () => '<p>Bonne lecture à toutes et à tous !</p>',
    () => '',
  ];
  const opening = (paragraphs: string[]) => {
    // The first paragraph, with the next one when it is short; sometimes cut mid-sentence.
    let text = paragraphs[0]!;
    if (text.split(' ').length < 35) text = `${text} ${paragraphs[1]!}`;
    if (rnd() < 0.3) {
      const cut = text.split(' ');
      text = `${cut.slice(0, Math.max(35, Math.floor(cut.length * 0.7))).join(' ')}…`;
    }
    return text;
  };
  for (const story of told) {
    if (story.s % 4 !== 1) continue;
    const net = pick(networks.filter((n) => n !== story.origin && !story.relays.includes(n)));
    const url = `https://${story.origin}.example/actus/${story.s}`;
    const quote = opening(story.paragraphs);
    const inline = rnd() < 0.25;
    const intro = pick(intros)(story.origin);
    const body = inline
      ? `<p>Nos partenaires de ${story.origin} publient ceci : « ${quote} »</p>`
      : `${intro}<p>${quote}</p>${pick(outros)(story.origin, url)}`;
    out.push(
      entry(
        `story-${story.s}`,
        net,
        inline ? 'excerpt-inline' : 'excerpt',
        `https://${net}.example/relais/extrait-${story.s}`,
        pick(titles)(story.title, story.origin, net),
        body,
        story.published + int(1, 72) * 3_600_000,
      ),
    );
  }

  // Near-misses: each entry its own story.
  const start = Date.UTC(2026, 0, 1);
  const boilerplate =
    'Le réseau vous informe chaque semaine des actualités de ses membres et de ses partenaires';
  const press =
    'La fédération régionale des coopératives et des mutuelles annonce aujourd’hui le lancement ' +
    'd’un nouveau programme d’accompagnement des porteurs de projets collectifs dans les territoires';
  for (let i = 0; i < Math.max(12, Math.floor(told.length / 10)); i++) {
    const a = pick(networks);
    const b = pick(networks.filter((n) => n !== a));
    const when = start + Math.floor(rnd() * 170 * DAY);
    const neg = (network: string, kind: string, t: string, html: string, at: number) =>
      out.push(
        entry(
          `neg-x-${out.length}`,
          network,
          kind,
          `https://${network}.example/x/${out.length}`,
          t,
          html,
          at,
        ),
      );
    const k = i % 3;
    if (k === 0) {
      // The same short boilerplate opening, under a relay-like title: too short to be a quote.
      const t = title();
      neg(
        a,
        'excerpt-boilerplate',
        t,
        `<p>${boilerplate}.</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when,
      );
      neg(
        b,
        'excerpt-boilerplate',
        `${t} (relais)`,
        `<p>Nous relayons :</p><p>${boilerplate}.</p><p>${sentence(14)}</p>`,
        when + DAY,
      );
    } else if (k === 1) {
      // The same long opening sentence (a press release), then two different stories.
      const t = `Communiqué : ${title().toLowerCase()}`;
      neg(
        a,
        'excerpt-same-opening',
        t,
        `<p>${press}.</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when,
      );
      neg(
        b,
        'excerpt-same-opening',
        `${t} (relais)`,
        `<p>${press}.</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when + DAY,
      );
    } else {
      // A follow-up quoting the opening of an earlier story, then telling its own.
      const t = title();
      const first = paragraph();
      neg(
        a,
        'excerpt-follow-up',
        t,
        `<p>${first}</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when,
      );
      neg(
        b,
        'excerpt-follow-up',
        `${t} : le bilan`,
        `<p>Rappelez-vous :</p><p>${first}</p><p>${paragraph()}</p><p>${paragraph()}</p><p>${paragraph()}</p>`,
        when + 3 * DAY,
      );
    }
  }
}
