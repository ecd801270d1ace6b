/**
 * The tags of an XML document in one linear scan, CDATA sections and comments skipped: what
 * the regex /<(\/?)([A-Za-z_][^\s/>]*)[^>]*?(\/?)>|<!\[CDATA\[…\]\]>|<!--…-->/g finds, without
 * its backtracking. From each '<' of a run of unclosed tags ('</x</x</x…' with no '>') that
 * regex scanned to the end of the text, for every length of the name: 60 s for 140 KB, found
 * by npm run fuzz. Here each '<' costs a lookup of the next '>' (remembered, so the text after
 * the last '>' is not searched again) and the name's characters.
 */
import { isJsSpace } from '../shared/collapse-text.ts';

export interface XmlTag {
  /** Where the tag's '<' is. */
  index: number;
  /** Just after its '>'. */
  end: number;
  closing: boolean;
  name: string;
  /** Written `<name … />`. */
  selfClosing: boolean;
}

/**
 * Calls `onTag` for each tag in order. `unclosedRunsToEnd`: a CDATA section or comment without
 * its end runs to the end of the text (else it is not one and the scan goes on inside it).
 */
export function scanXmlTags(
  text: string,
  unclosedRunsToEnd: boolean,
  onTag: (tag: XmlTag) => void,
): void {
  scan(text, unclosedRunsToEnd, (at, nameStart, nameEnd, gt, closing) => {
    onTag({
      index: at,
      end: gt + 1,
      closing,
      name: text.slice(nameStart, nameEnd),
      selfClosing: isSelfClosing(text, nameEnd, gt),
    });
    return false;
  });
}

/**
 * Whether elements nest deeper than `max` (start tags not self-closing count one level, end
 * tags take one off), by the tags scanXmlTags finds: the same count without a tag object and
 * its name per tag, for every document read.
 */
export function xmlNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let deeper = false;
  scan(text, false, (_at, _nameStart, nameEnd, gt, closing) => {
    if (closing) depth--;
    else if (!isSelfClosing(text, nameEnd, gt) && ++depth > max) deeper = true;
    return deeper;
  });
  return deeper;
}

/** Written `<name … />`. */
function isSelfClosing(text: string, nameEnd: number, gt: number): boolean {
  return text.charCodeAt(gt - 1) === 0x2f && gt - 1 >= nameEnd;
}

/**
 * The scan: `onTag` gets each tag's '<', its name's bounds, its '>' and whether it is an end
 * tag, and stops the scan by returning true.
 */
function scan(
  text: string,
  unclosedRunsToEnd: boolean,
  onTag: (at: number, nameStart: number, nameEnd: number, gt: number, closing: boolean) => boolean,
): void {
  const lastGt = text.lastIndexOf('>');
  // Searches that found nothing: later ones from further on would find nothing either.
  let noCdataEnd = false;
  let noCommentEnd = false;
  for (let at = text.indexOf('<'); at !== -1 && at < lastGt; ) {
    if (text.startsWith('<![CDATA[', at) || text.startsWith('<!--', at)) {
      const cdata = text.charCodeAt(at + 2) === 0x5b;
      const closer = cdata ? ']]>' : '-->';
      const end = (cdata ? noCdataEnd : noCommentEnd)
        ? -1
        : text.indexOf(closer, at + (cdata ? 9 : 4));
      if (end !== -1) {
        at = text.indexOf('<', end + 3);
        continue;
      }
      if (cdata) noCdataEnd = true;
      else noCommentEnd = true;
      if (unclosedRunsToEnd) return;
      at = text.indexOf('<', at + 1);
      continue;
    }
    const closing = text.charCodeAt(at + 1) === 0x2f;
    const nameStart = at + (closing ? 2 : 1);
    if (!isNameStart(text.charCodeAt(nameStart))) {
      at = text.indexOf('<', at + 1);
      continue;
    }
    // A name start with a '>' after it (at < lastGt) is a tag ending at the first '>'.
    const gt = text.indexOf('>', nameStart);
    let nameEnd = nameStart + 1;
    while (nameEnd < gt && !endsName(text.charCodeAt(nameEnd))) nameEnd++;
    if (onTag(at, nameStart, nameEnd, gt, closing)) return;
    at = text.indexOf('<', gt + 1);
  }
}

/** [A-Za-z_] */
function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** [\s/>]: JavaScript's whitespace, '/' or '>'. */
function endsName(c: number): boolean {
  return c === 0x2f || c === 0x3e || isJsSpace(c);
}
