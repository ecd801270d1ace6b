const NEEDS_ESCAPE = /[&<>"]/;

/**
 * The one escaper for markup the hub writes (HTML pages and emails, RSS, Atom, OPML).
 * `& < >` always, which is all element content needs; `"` too unless `quotes: false`, so the
 * result also fits in a double-quoted attribute (the hub writes no single-quoted ones).
 *
 * `quotes: false` is for HTML the hub stores (sanitised content, plain text turned into
 * paragraphs): entries are compared by a hash of that HTML, so its text keeps quotes as typed.
 */
export function escapeXml(text: string, options?: { quotes: false }): string {
  // Most text has nothing to escape: one scan instead of three or four copies.
  if (!NEEDS_ESCAPE.test(text)) return text;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return options?.quotes === false ? escaped : escaped.replace(/"/g, '&quot;');
}

/**
 * What XML 1.0 forbids and a member's text may carry: C0 controls but tab, LF and CR, U+FFFE,
 * U+FFFF, lone surrogates. A reader meeting one stops reading the document.
 */
const INVALID_XML = new RegExp(
  String.raw`[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]` +
    String.raw`|[\uD800-\uDBFF](?![\uDC00-\uDFFF])` + // a high surrogate alone
    String.raw`|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`, // a low surrogate alone
  'g',
);

/** The text without the characters an XML document may not hold. */
export function withoutInvalidXml(text: string): string {
  return text.replace(INVALID_XML, '');
}
