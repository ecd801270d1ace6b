/**
 * Collected text made plain in one pass: control characters dropped, whitespace collapsed (one
 * line per block when `lines`), trimmed. The same result as the chain of replacements it
 * replaces (test/unit/collapse-text.test.ts compares them), which copied the text of
 * every item four times; here runs of ordinary characters are copied as slices.
 */

/** [\u0000-\u0008\u000e-\u001f\u007f]: never text (tab, line ends and form feeds are spaces). */
function isControl(c: number): boolean {
  return c <= 0x08 || (c >= 0x0e && c <= 0x1f) || c === 0x7f;
}

/** JavaScript's \s (and what trim() removes). */
export function isJsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** [ \t\u00a0]: the blanks a line keeps as one space. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0;
}

/**
 * `lines`: text.replace(CONTROLS, '').replace(/[ \t\u00a0]+/g, ' ').replace(/ *\n\s*\/g, '\n')
 * .trim(); else text.replace(CONTROLS, '').replace(/\s+/g, ' ').trim().
 */
export function collapseText(text: string, lines: boolean): string {
  // Only what lies between the first and the last character kept: what the loops make of the
  // white space and controls around it is white space that trim() would take off again, and
  // trim() taking some off gives a slice of the string it joined (V8 then reads each of its
  // characters through the slice: the fingerprint's loops over an item's text took ~2x as
  // long). Trimmed already, the text comes back from trim() as the flat string it joined.
  let start = 0;
  let end = text.length;
  while (start < end && blankOrControl(text.charCodeAt(start))) start++;
  while (end > start && blankOrControl(text.charCodeAt(end - 1))) end--;
  if (start === end) return '';
  return (lines ? plainLines(text, start, end) : plainLine(text, start, end)).trim();
}

/** What trim() takes off (JavaScript's white space) or the loops drop (controls). */
function blankOrControl(c: number): boolean {
  return isJsSpace(c) || isControl(c);
}

/**
 * Words (ordinary characters) each after a single space, from `lastIndex`: what the loops below
 * go past without a change, read by one native match where nothing is pending (a text is
 * mostly that). `lines`: [ \t\u00a0] are the blanks (\v \f \r are left to the loop, which keeps
 * them); else any white space.
 */
const LINE_WORDS = /[^\u0000-\u0020\u007f\u00a0]*(?: [^\u0000-\u0020\u007f\u00a0]+)*/y;
const WORDS = /[^\u0000-\u0020\u007f\s]*(?: [^\u0000-\u0020\u007f\s]+)*/y;

/** Reads text[start, end): its first and last characters are kept ones (see collapseText). */
function plainLines(text: string, start: number, n: number): string {
  let out = '';
  let run = start; // start of the ordinary characters not yet copied
  let space = false; // a run of blanks read, written before the next character
  let newline = false; // after a line end: whitespace is dropped
  for (let i = start; i < n; i++) {
    if (!newline && !space) {
      LINE_WORDS.lastIndex = i;
      LINE_WORDS.test(text);
      // Words may run on past `n` into the white space after it (U+3000 …): not read here.
      i = LINE_WORDS.lastIndex;
      if (i >= n) break;
    }
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0x7f && c !== 0xa0 && !newline && !space) continue;
    // One space between two ordinary characters stays as it is.
    if (c === 0x20 && !newline && !space && i + 1 < n && ordinary(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if (run < i) out += text.slice(run, i);
    run = i + 1;
    if (isControl(c)) continue;
    if (newline && isJsSpace(c)) continue;
    if (isBlank(c)) {
      space = true;
      continue;
    }
    if (c === 0x0a) {
      space = false;
      newline = true;
      out += '\n';
      continue;
    }
    if (space) out += ' ';
    space = false;
    newline = false;
    run = i;
  }
  if (run < n) out += text.slice(run, n);
  return out;
}

/** Neither a control, a blank nor a line end: kept as it is after a single space. */
function ordinary(c: number): boolean {
  return c > 0x20 ? c !== 0x7f && c !== 0xa0 : c === 0x0b || c === 0x0c || c === 0x0d;
}

/** Reads text[start, end), as plainLines. */
function plainLine(text: string, start: number, n: number): string {
  let out = '';
  let run = start;
  let space = false;
  for (let i = start; i < n; i++) {
    if (!space) {
      WORDS.lastIndex = i;
      WORDS.test(text);
      i = WORDS.lastIndex;
      if (i >= n) break;
    }
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0x7f && !space && (c < 0xa0 || !isJsSpace(c))) continue;
    if (c === 0x20 && !space && i + 1 < n && solid(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if (run < i) out += text.slice(run, i);
    run = i + 1;
    if (isControl(c)) continue;
    if (isJsSpace(c)) {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    run = i;
  }
  if (run < n) out += text.slice(run, n);
  return out;
}

/** Neither a control nor whitespace. */
function solid(c: number): boolean {
  return !isControl(c) && !isJsSpace(c);
}
