import { describe, expect, it } from 'vitest';
import { discoverFeeds } from '../../src/ingest/discover.ts';

const page = 'https://animacoop.example/fr/accueil.html';

describe('discoverFeeds', () => {
  it('finds every advertised type, in document order, with titles', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" title="Actualités" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="alternate" type="application/json" href="/legacy.json">
      <link rel="alternate" type="application/rdf+xml" href="/index.rdf">
      <link rel="alternate" type="text/calendar" title="Agenda" href="/agenda.ics">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="alternate" type="text/html" href="/print.html">
    </head><body></body></html>`;
    expect(discoverFeeds(html, page)).toEqual([
      { url: 'https://animacoop.example/feed.xml', kind: 'feed', title: 'Actualités' },
      { url: 'https://animacoop.example/atom.xml', kind: 'feed', title: 'Atom' },
      { url: 'https://animacoop.example/feed.json', kind: 'feed', title: null },
      { url: 'https://animacoop.example/legacy.json', kind: 'feed', title: null },
      { url: 'https://animacoop.example/index.rdf', kind: 'feed', title: null },
      { url: 'https://animacoop.example/agenda.ics', kind: 'calendar', title: 'Agenda' },
    ]);
  });

  it('matches rel tokens and types case-insensitively, with parameters and odd spacing', () => {
    const html = `<LINK REL="Home  ALTERNATE" TYPE="Application/RSS+XML; charset=UTF-8" HREF="feed.xml" TITLE="  Le   fil &amp; co ">
      <link rel="alternates" type="application/rss+xml" href="not-this.xml">
      <link rel="alternate" type=" text/calendar " href="ag.ics">`;
    expect(discoverFeeds(html, page)).toEqual([
      { url: 'https://animacoop.example/fr/feed.xml', kind: 'feed', title: 'Le fil & co' },
      { url: 'https://animacoop.example/fr/ag.ics', kind: 'calendar', title: null },
    ]);
  });

  it('resolves relative hrefs against <base href>, even when base comes after the link', () => {
    const html = `<head><link rel="alternate" type="application/rss+xml" href="rss"><base href="https://cdn.animacoop.example/blog/"><base href="/ignored/"></head>`;
    expect(discoverFeeds(html, page)).toEqual([
      { url: 'https://cdn.animacoop.example/blog/rss', kind: 'feed', title: null },
    ]);
  });

  it('a relative <base href> resolves against the page', () => {
    const html = `<base href="../actus/"><link rel="alternate" type="application/atom+xml" href="flux.atom?lang=fr">`;
    expect(discoverFeeds(html, page)[0]!.url).toBe(
      'https://animacoop.example/actus/flux.atom?lang=fr',
    );
  });

  it('drops duplicates (same URL after resolution, fragment ignored) and keeps the first title', () => {
    const html = `<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="Premier">
      <link rel="alternate" type="application/rss+xml" href="https://animacoop.example/feed.xml#top" title="Second">
      <link rel="alternate" type="application/atom+xml" href="../feed.xml">`;
    expect(discoverFeeds(html, page)).toEqual([
      { url: 'https://animacoop.example/feed.xml', kind: 'feed', title: 'Premier' },
    ]);
  });

  it('ignores links inside comments, scripts and non-http hrefs; webcal: becomes https', () => {
    const html = `<!-- <link rel="alternate" type="application/rss+xml" href="/old.xml"> -->
      <script>document.write('<link rel="alternate" type="application/rss+xml" href="/js.xml">')</script>
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="mailto:a@b.c">
      <link rel="alternate" type="application/rss+xml" href="http://[bad">
      <link rel="alternate" type="application/rss+xml">
      <link rel="alternate" type="text/calendar" href="webcal://agenda.animacoop.example/public.ics">`;
    expect(discoverFeeds(html, page)).toEqual([
      { url: 'https://agenda.animacoop.example/public.ics', kind: 'calendar', title: null },
    ]);
  });

  it('pages with no feed, plain text and garbage give []', () => {
    expect(
      discoverFeeds(
        '<html><head><title>Accueil</title></head><body><a href="/feed.xml">RSS</a></body></html>',
        page,
      ),
    ).toEqual([]);
    expect(discoverFeeds('<!-- rien -->', page)).toEqual([]);
    expect(discoverFeeds('', page)).toEqual([]);
    expect(discoverFeeds('\u0000\u0001<<<>>><link', page)).toEqual([]);
  });
});
