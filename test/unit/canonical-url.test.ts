import { describe, expect, it } from 'vitest';
import {
  canonicalItemUrl,
  canonicalUrl,
  isStoryUrl,
  withoutTracking,
} from '../../src/ingest/canonical-url.ts';

describe('canonicalUrl', () => {
  const base = 'https://animacoop.net/2026/03/atelier';
  it.each([
    ['http://animacoop.net/2026/03/atelier', 'http ≡ https'],
    ['https://WWW.AnimaCoop.NET/2026/03/atelier', 'host case and www.'],
    ['https://animacoop.net:443/2026/03/atelier', 'default port'],
    ['http://animacoop.net:80/2026/03/atelier/', 'default http port, trailing slash'],
    ['https://animacoop.net/2026/03/atelier#commentaires', 'fragment'],
    ['https://animacoop.net/2026/03/atelier?utm_source=x&utm_medium=email&utm_campaign=y', 'utm_*'],
    [
      'https://animacoop.net/2026/03/atelier?fbclid=IwAR0&gclid=abc&mc_cid=1&mc_eid=2',
      'click ids and Mailchimp',
    ],
    [
      'https://animacoop.net/2026/03/atelier?_hsenc=p2&_hsmi=3&xtor=RSS-1&at_medium=x&at_campaign=y',
      'HubSpot, AT Internet',
    ],
    ['https://animacoop.net/2026/03/atelier/amp', '/amp suffix'],
    ['https://animacoop.net/2026/03/atelier/amp/', '/amp/ suffix'],
    ['https://animacoop.net/2026/03/atelier?amp=1', '?amp=1'],
    ['https://amp.animacoop.net/2026/03/atelier', 'amp. subdomain'],
    ['https://animacoop-net.cdn.ampproject.org/c/s/animacoop.net/2026/03/atelier', 'AMP cache'],
    [
      'https://l.facebook.com/l.php?u=https%3A%2F%2Fanimacoop.net%2F2026%2F03%2Fatelier%3Futm_source%3Dfb&h=AT0',
      'Facebook redirector',
    ],
    [
      'https://www.google.com/url?q=https://animacoop.net/2026/03/atelier&sa=D',
      'Google redirector',
    ],
    ['https://animacoop.net//2026/03/atelier/index.html', 'double slash and index.html'],
  ])('%s → canonical (%s)', (input) => {
    expect(canonicalUrl(input)).toBe(base);
  });

  it('keeps meaningful query parameters, sorted', () => {
    expect(canonicalUrl('https://site.org/article.php?id=12&lang=fr&utm_source=x')).toBe(
      'https://site.org/article.php?id=12&lang=fr',
    );
    expect(canonicalUrl('https://site.org/article.php?lang=fr&id=12')).toBe(
      'https://site.org/article.php?id=12&lang=fr',
    );
    expect(canonicalUrl('https://site.org/a?id=12')).not.toBe(
      canonicalUrl('https://site.org/a?id=13'),
    );
  });

  it('keeps path case and non-default ports; folds .amp.html', () => {
    expect(canonicalUrl('https://site.org/Actu/Atelier')).toBe('https://site.org/Actu/Atelier');
    expect(canonicalUrl('http://site.org:8080/a/')).toBe('https://site.org:8080/a');
    expect(canonicalUrl('https://site.org/a/story.amp.html')).toBe('https://site.org/a/story.html');
  });

  it('gives null for non-http or invalid URLs', () => {
    expect(canonicalUrl('mailto:contact@site.org')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
    expect(canonicalUrl(null)).toBeNull();
  });

  it('recovers the real link behind a feed proxy from the guid', () => {
    expect(
      canonicalItemUrl({
        url: 'http://feedproxy.google.com/~r/Animacoop/~3/AbC123/',
        guid: 'https://animacoop.net/2026/03/atelier/',
      }),
    ).toBe(base);
    expect(
      canonicalItemUrl({
        url: 'http://feedproxy.google.com/~r/Animacoop/~3/AbC123/',
        guid: 'tag:x',
      }),
    ).toBe('https://feedproxy.google.com/~r/Animacoop/~3/AbC123');
    expect(isStoryUrl('https://feedproxy.google.com/~r/Animacoop/~3/AbC123')).toBe(false);
  });

  it('never uses a home page as a story key', () => {
    expect(isStoryUrl(canonicalUrl('https://www.site.org/?utm_source=rss'))).toBe(false);
    expect(isStoryUrl(canonicalUrl('https://site.org/?p=12'))).toBe(true);
  });

  it('withoutTracking keeps the URL as published minus trackers', () => {
    expect(withoutTracking('http://www.site.org/a/?utm_source=x&id=2#top')).toBe(
      'http://www.site.org/a/?id=2',
    );
  });

  // withoutTracking gives a URL without "?" or "#" as parsed, without looking at parameters.
  it.each([
    ['https://Site.ORG:443/a/./b/../c', 'https://site.org/a/c'],
    ['http://site.org', 'http://site.org/'],
    ['https://site.org/a b', 'https://site.org/a%20b'],
    ['https://site.org/a?', 'https://site.org/a?'],
    ['https://site.org/a#', 'https://site.org/a'],
    ['https://site.org/a?utm_source=x', 'https://site.org/a'],
    ['pas une adresse', 'pas une adresse'],
  ])('withoutTracking(%s) is %s', (raw, expected) => {
    expect(withoutTracking(raw)).toBe(expected);
  });
});
