import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Deps } from '../../../src/deps.ts';
import { decodeBody } from '../../../src/ingest/decode.ts';
import { parseFeed } from '../../../src/ingest/parse-feed.ts';
import { feedToParseOutput } from '../../../src/ingest/parse-feed-output.ts';
import { IngestError, type ParseOutput } from '../../../src/ingest/types.ts';
import { isCalendar } from '../../../src/agenda/store-calendar.ts';
import { calendarToParseOutput } from '../../../src/agenda/parse-calendar-output.ts';
import { defineMessages, type Lang } from '../../../src/web/i18n.ts';
import { usageLine } from '../cli-usage.ts';

const messages = defineMessages({
  fr: {
    cannotRead: (target: string, why: string) => `Lecture impossible de ${target} : ${why}`,
    noFile: 'fichier absent ou illisible (donnez le chemin d’un fichier ou une URL http(s)://)',
  },
  en: {
    cannotRead: (target: string, why: string) => `Cannot read ${target}: ${why}`,
    noFile: 'no such file or not readable (give a file path or an http(s):// URL)',
  },
});

/** What the hub's fetcher returns for one URL, as far as `parse` needs it. */
export interface FetchedDocument {
  body: Uint8Array;
  contentType: string | null;
  /** Final URL after redirects: relative links resolve against it. */
  url: string;
}

/**
 * The hub's own fetcher (ingest/fetch.ts: private-host guard, size cap, timeout), so what a
 * coordinator sees is what a pull would read. Given by the entry point.
 */
export type DocumentFetcher = (deps: Deps, url: string) => Promise<FetchedDocument>;

/**
 * `intercoop parse FILE_OR_URL`: prints what the hub reads from one feed or calendar as
 * pretty JSON (INTERFACE.md). Exit 0 on success, 1 with a readable message when the document
 * cannot be read, 2 on a usage error.
 */
export async function parseCommand(
  deps: Deps,
  args: string[],
  fetcher: DocumentFetcher | null,
  lang: Lang,
): Promise<number> {
  const t = messages(lang);
  const [target, ...rest] = args;
  if (!target || rest.length) {
    console.error(usageLine('parse', lang));
    return 2;
  }
  try {
    const output = await readAndParse(deps, target, fetcher);
    console.log(JSON.stringify(output, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof IngestError) {
      const status = err.status ? `, HTTP ${err.status}` : '';
      console.error(t.cannotRead(target, `${err.message} (${err.kind}${status})`));
      return 1;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      console.error(t.cannotRead(target, t.noFile));
      return 1;
    }
    throw err;
  }
}

/** Reads a file or fetches a URL, decodes it, and parses it as a calendar or a feed. */
export async function readAndParse(
  deps: Deps,
  target: string,
  fetcher: DocumentFetcher | null,
): Promise<ParseOutput> {
  let document: FetchedDocument;
  if (/^https?:\/\//i.test(target)) {
    if (!fetcher)
      throw new IngestError('network', 'this build of the hub has no fetcher wired for `parse`');
    document = await fetcher(deps, target);
  } else {
    const absolute = resolve(target);
    document = {
      body: new Uint8Array(await readFile(absolute)),
      contentType: null,
      url: pathToFileURL(absolute).href,
    };
  }
  const text = decodeBody(document.body, document.contentType);
  if (isCalendar(text)) return calendarToParseOutput(text);
  return feedToParseOutput(await parseFeed(text, document.url));
}
