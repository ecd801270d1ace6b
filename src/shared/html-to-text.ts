/**
 * The one way the hub turns HTML into plain text: feed titles and summaries as they are read,
 * the text deduplication compares, the digest's summaries. htmlparser2 decodes every entity
 * HTML defines, named or numeric (`&eacute;`, `&#233;`, `&#xE9;`, `&rsquo;` …), so all three
 * read a member's text alike.
 */
import { BoundedHtmlParser } from '../ingest/bounded-html.ts';
import { collapseText } from './collapse-text.ts';

/** Elements whose edges separate words: `<p>a</p><p>b</p>` is "a b", `<b>a</b>b` is "ab". */
export const BLOCKS: ReadonlySet<string> = new Set([
  'p',
  'br',
  'div',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'tr',
  'td',
  'th',
  'section',
  'article',
  'header',
  'footer',
  'figure',
  'figcaption',
  'pre',
  'hr',
  'img',
]);

export interface HtmlToTextOptions {
  /**
   * What separates blocks: `'\n'` keeps one line per paragraph (deduplication finds
   * "Relayé depuis …" lines), `' '` (the default) gives one line of text.
   */
  blocks?: '\n' | ' ';
  /**
   * Reading stops once this many characters of text are collected, and at most ten times as
   * many characters of HTML are read: for callers that keep only the start of a long article.
   */
  maxChars?: number;
}

/**
 * Plain text of an HTML fragment: tags removed (script and style with their content), entities
 * decoded, control characters dropped, whitespace collapsed (block separators kept), trimmed.
 * Text without `<` or `&` is not parsed.
 */
export function htmlToText(
  html: string | null | undefined,
  options: HtmlToTextOptions = {},
): string {
  if (!html) return '';
  const lines = options.blocks === '\n';
  const max = options.maxChars ?? Infinity;
  return finishText(/[<&]/.test(html) ? collect(html, lines ? '\n' : ' ', max) : html, lines);
}

/**
 * The text collected from HTML (or the HTML when it had no markup) made plain: control
 * characters dropped, whitespace collapsed, one line per block when `lines`, trimmed.
 */
export function finishText(collected: string, lines: boolean): string {
  return collapseText(collected, lines);
}

function collect(html: string, separator: string, max: number): string {
  const text = new HtmlTextCollector(separator, max);
  const parser = new BoundedHtmlParser(
    {
      onopentag: (name) => text.onopentag(name),
      onclosetag: (name) => text.onclosetag(name),
      ontext: (written) => text.ontext(written),
    },
    { decodeEntities: true },
  );
  parser.write(html.length > text.budget ? html.slice(0, text.budget) : html);
  parser.end();
  return text.collected;
}

/**
 * What htmlToText collects from a parse's events (tags and decoded text): another parse of the
 * same HTML with the same options (the sanitiser's) can feed it, and the HTML is read once.
 */
export class HtmlTextCollector {
  /** The text and block separators collected so far (not yet made plain). */
  collected = '';
  /** Characters of HTML htmlToText reads at most (see HtmlToTextOptions.maxChars). */
  readonly budget: number;
  private skip = 0;

  constructor(
    private readonly separator: string,
    private readonly max: number,
  ) {
    this.budget = max * 10;
  }

  onopentag(name: string): void {
    if (name === 'script' || name === 'style') this.skip++;
    else if (BLOCKS.has(name)) this.collected += this.separator;
  }

  onclosetag(name: string): void {
    if (name === 'script' || name === 'style') this.skip = Math.max(0, this.skip - 1);
    else if (BLOCKS.has(name)) this.collected += this.separator;
  }

  ontext(text: string): void {
    if (this.skip === 0 && this.collected.length < this.max) this.collected += text;
  }
}
