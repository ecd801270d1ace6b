import { describe, expect, it } from 'vitest';
import { Parser } from 'htmlparser2';
import { sanitizeHtml, safeUrl } from '../../src/ingest/sanitize.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';

const BASE = 'https://reseau.example.org/actus/article.html';
const clean = (html: string) => sanitizeHtml(html, BASE);

/** Every tag and attribute of the output, as a browser-grade parser sees it. */
function inventory(html: string) {
  const tags: string[] = [];
  const attributes: Array<[string, string, string]> = [];
  const parser = new Parser({
    onopentag(name, attribs) {
      tags.push(name);
      for (const [k, v] of Object.entries(attribs)) attributes.push([name, k, v]);
    },
  });
  parser.write(html);
  parser.end();
  return { tags, attributes };
}

/** OWASP XSS filter-evasion style vectors: none may leave a script, handler or dangerous URL. */
const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<a onmouseover="alert(document.cookie)">xxs link</a>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  '<IMG SRC="jav\tascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x09;ascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x0A;ascript:alert(\'XSS\');">',
  '<IMG SRC=" &#14;  javascript:alert(\'XSS\');">',
  '<a href="&#14;javascript:alert(1)">x</a>',
  '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
  '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  '<SCRIPT SRC=http://xss.example/xss.js?< B >',
  '<IMG SRC="`<javascript:alert>`(\'XSS\')"',
  '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  '<BODY BACKGROUND="javascript:alert(\'XSS\')">',
  "<svg/onload=alert('XSS')>",
  '<svg><script>alert(1)</script></svg>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<STYLE>li {list-style-image: url("javascript:alert(\'XSS\')");}</STYLE><UL><LI>XSS</br>',
  '<IMG STYLE="xss:expr/*XSS*/ession(alert(\'XSS\'))">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
  '<IFRAME SRC="javascript:alert(\'XSS\');"></IFRAME>',
  '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
  '<FRAMESET><FRAME SRC="javascript:alert(\'XSS\');"></FRAMESET>',
  '<TABLE BACKGROUND="javascript:alert(\'XSS\')">',
  '<TD BACKGROUND="javascript:alert(\'XSS\')">',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">',
  '<DIV STYLE="width: expression(alert(\'XSS\'));">',
  '<BASE HREF="javascript:alert(\'XSS\');//">',
  '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
  '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" AllowScriptAccess="always"></EMBED>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="  javascript:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href="javas&Tab;cript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<form action="https://evil.example/"><button formaction="javascript:alert(1)">x</button></form>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<a href="https://ok.example/" target="_blank" style="color:red" class="x" id="y">ok</a>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<textarea><script>alert(1)</script></textarea>',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<template><script>alert(1)</script></template>',
  '<p>texte</p><link rel="stylesheet" href="javascript:alert(1)">',
];

describe('sanitizeHtml: XSS vectors', () => {
  it.each(VECTORS)('neutralises %s', (vector) => {
    const out = clean(vector);
    const { tags, attributes } = inventory(out);
    expect(tags).not.toContain('script');
    expect(tags).not.toContain('style');
    for (const forbidden of [
      'object',
      'embed',
      'form',
      'input',
      'button',
      'base',
      'meta',
      'link',
      'svg',
      'math',
      'frame',
      'frameset',
      'textarea',
      'template',
      'body',
    ]) {
      expect(tags).not.toContain(forbidden);
    }
    for (const [tag, name, value] of attributes) {
      expect(name, `${tag}[${name}]`).not.toMatch(
        /^on|^style$|^class$|^id$|^target$|^formaction$|^background$/,
      );
      if (['href', 'src', 'cite', 'poster'].includes(name))
        expect(value, `${tag}[${name}]`).toMatch(/^(https?:|mailto:)/);
    }
    // A scheme-looking string may survive only as the path of an http(s) URL (already checked above).
    expect(out.toLowerCase()).not.toMatch(/<script|<style|="\s*(javascript|vbscript|data):/);
  });

  it('keeps content around removed tags and escapes text', () => {
    expect(clean('<p>Bonjour <font color="red">le <b>monde</b></font> &lt;3 &amp; plus</p>')).toBe(
      '<p>Bonjour le <b>monde</b> &lt;3 &amp; plus</p>',
    );
    expect(clean('<p title="a &quot;quote&quot; &lt;b&gt;">x</p>')).toBe(
      '<p title="a &quot;quote&quot; &lt;b&gt;">x</p>',
    );
  });

  it('drops the content of script, style, noscript, iframes from unknown hosts', () => {
    expect(
      clean(
        'a<script>b</script>c<style>d</style>e<noscript>f</noscript>g<iframe src="https://evil.example/x">h</iframe>i',
      ),
    ).toBe('acegi');
  });
});

describe('sanitizeHtml: links and URLs', () => {
  it('makes relative URLs absolute and adds rel="noopener noreferrer" to links', () => {
    expect(clean('<a href="../contact">contact</a> <img src="/img/a.png" alt="A">')).toBe(
      '<a href="https://reseau.example.org/contact" rel="noopener noreferrer">contact</a> <img src="https://reseau.example.org/img/a.png" alt="A">',
    );
  });

  it('keeps mailto: links but not mailto: images', () => {
    expect(clean('<a href="mailto:contact@reseau.example.org">écrire</a>')).toContain(
      'href="mailto:contact@reseau.example.org"',
    );
    expect(clean('<img src="mailto:x@y.z">')).toBe('');
  });

  it('keeps relative references when there is no base, refuses schemes', () => {
    expect(sanitizeHtml('<a href="/page">p</a>', null)).toBe(
      '<a href="/page" rel="noopener noreferrer">p</a>',
    );
    expect(safeUrl('javascript:alert(1)', null, true)).toBeNull();
    expect(safeUrl('  https://ok.example/a b ', null, false)).toBe('https://ok.example/a%20b');
  });

  it('forces controls on audio and video, drops autoplay', () => {
    expect(clean('<video src="v.mp4" autoplay poster="p.jpg"></video>')).toBe(
      '<video src="https://reseau.example.org/actus/v.mp4" poster="https://reseau.example.org/actus/p.jpg" controls=""></video>',
    );
  });
});

describe('sanitizeHtml: iframes', () => {
  it.each([
    'https://www.youtube-nocookie.com/embed/abc',
    'https://www.youtube.com/embed/abc?start=3',
    'https://player.vimeo.com/video/123',
    'https://framatube.org/videos/embed/9c9de5e8',
  ])('keeps a video player from %s, sandboxed', (src) => {
    const out = clean(
      `<iframe src="${src}" width="560" height="315" onload="alert(1)" style="x">texte</iframe>`,
    );
    expect(out).toMatch(
      /^<iframe src="[^"]+" width="560" height="315" sandbox="allow-scripts allow-same-origin allow-popups" allowfullscreen loading="lazy" referrerpolicy="strict-origin-when-cross-origin"><\/iframe>$/,
    );
    expect(out).not.toContain('onload');
  });

  it.each([
    'https://evil.example/embed/x',
    'http://www.youtube.com/embed/abc',
    'https://www.youtube.com/watch?v=abc',
    'https://www.youtube.com.evil.example/embed/x',
    'javascript:alert(1)',
  ])('drops an iframe from %s', (src) => {
    expect(clean(`<p>a</p><iframe src="${src}"><p>fallback</p></iframe><p>b</p>`)).toBe(
      '<p>a</p><p>b</p>',
    );
  });
});

describe('sanitizeHtml: tracking pixels', () => {
  it.each([
    '<img src="https://stats.example/p.gif" width="1" height="1">',
    '<img src="https://stats.example/p.gif" width="0">',
    '<img src="https://stats.example/p.gif" height="2px">',
    '<img src="https://stats.example/p.gif" style="width:1px;height:1px">',
    '<img src="https://stats.example/p.gif" style="display:none">',
    '<img src="https://feeds.feedburner.com/~r/x/~4/abc">',
    '<img src="https://pixel.wp.com/b.gif?host=x">',
    '<img src="https://www.google-analytics.com/collect?v=1">',
    '<img>',
  ])('drops %s', (img) => {
    expect(clean(`<p>a${img}b</p>`)).toBe('<p>ab</p>');
  });

  it('keeps real images', () => {
    expect(clean('<img src="photo.jpg" width="600" height="400" alt="Réunion">')).toBe(
      '<img src="https://reseau.example.org/actus/photo.jpg" width="600" height="400" alt="Réunion">',
    );
  });
});

describe('sanitizeHtml: well-formed output', () => {
  it('closes unclosed tags, drops stray closing tags, keeps nesting', () => {
    expect(clean('<p><b>gras <i>italique</p>fin</b></div>')).toBe(
      '<p><b>gras <i>italique</i></b></p>fin',
    );
    expect(clean('<ul><li>un<li>deux</ul>')).toBe('<ul><li>un</li><li>deux</li></ul>');
  });

  it('caps nesting depth (deep markup keeps its text)', () => {
    const deep = '<div>'.repeat(5000) + 'fond' + '</div>'.repeat(5000);
    const out = clean(deep);
    expect(out).toContain('fond');
    expect(out.split('<div>').length - 1).toBeLessThanOrEqual(64);
  });
});

describe('sanitizeHtml: names that are also Object.prototype keys', () => {
  // Allowed tags and embed hosts were looked up in plain objects: `constructor` found
  // Object.prototype's, kept an unknown tag or threw (and with it the whole feed's read).
  it('drops a <constructor> element like any unknown tag, with or without attributes', () => {
    for (const html of [
      '<constructor>x</constructor>',
      '<constructor title="a" lang="fr">x</constructor>',
      '<CONSTRUCTOR href="https://exemple.org/">x</CONSTRUCTOR>',
      '<p><constructor src="a.png"><b>x</b></constructor></p>',
    ])
      expect(clean(html), html).toBe(html.startsWith('<p>') ? '<p><b>x</b></p>' : 'x');
  });

  it('refuses iframes from hosts named constructor or __proto__, and relative ones', () => {
    for (const host of ['constructor', '__proto__', 'hasOwnProperty', 'toString'])
      expect(clean(`<iframe src="https://${host}/embed/x"></iframe>a`), host).toBe('a');
    expect(sanitizeHtml('<iframe src="/embed/x"></iframe>a', null)).toBe('a');
    expect(sanitizeHtml('<iframe src="//www.youtube.com/embed/x"></iframe>a', null)).toBe('a');
  });

  it('reads a feed whose item holds such markup, every item kept', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>T</title>' +
        '<item><title>Un</title><description>&lt;constructor title="x"&gt;texte&lt;/constructor&gt;' +
        '&lt;iframe src="https://constructor/embed/v"&gt;&lt;/iframe&gt;</description></item>' +
        '<item><title>Deux</title><description>&lt;p&gt;b&lt;/p&gt;</description></item>' +
        '</channel></rss>',
      'https://exemple.org/flux',
    );
    expect(feed.items.map((i) => [i.title, i.contentHtml])).toEqual([
      ['Un', 'texte'],
      ['Deux', '<p>b</p>'],
    ]);
  });
});
