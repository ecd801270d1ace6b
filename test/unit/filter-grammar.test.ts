import { describe, expect, it } from 'vitest';
import {
  categoryKeys,
  filterMatcher,
  filterParams,
  FilterError,
  parseFilters,
  searchWords,
} from '../../src/filter-grammar.ts';

const parse = (s: string) => parseFilters(new URLSearchParams(s));

describe('the filter grammar', () => {
  it('reads repeated values as "any of", blanks as absent, one spelling per value', () => {
    expect(parse('')).toEqual({ networks: [], tags: [], territories: [], q: null });
    expect(
      parse(
        'network=b&network=a&network=b&network=&tag=%C3%89conomie&tag=economie&tag=%20Formation%20' +
          '&territory=Bretagne&territory=BRETAGNE&territory=Occitanie&q=%20&q=ignored',
      ),
    ).toEqual({
      networks: ['b', 'a'],
      tags: ['Économie', 'Formation'],
      territories: ['Bretagne', 'Occitanie'],
      q: null,
    });
    expect(parse('q=%20num%C3%A9rique%20').q).toBe('numérique');
    // A posted form reads the same way (the newsletter's choices).
    const form = new FormData();
    form.append('tag', 'a');
    form.append('tag', 'b');
    expect(parseFilters(new URLSearchParams(form as unknown as string)).tags).toEqual(['a', 'b']);
  });

  it('writes one spelling back, whatever the order it was given in', () => {
    const f = parse('tag=x&network=b&q=mot&territory=T&network=a');
    expect(filterParams(f).toString()).toBe('network=a&network=b&tag=x&territory=T&q=mot');
    expect(parse(filterParams(f).toString())).toEqual({ ...f, networks: ['a', 'b'] });
  });

  it('refuses what it cannot serve, with a readable message', () => {
    const many = Array.from({ length: 51 }, (_, i) => `territory=t${i}`).join('&');
    for (const bad of [
      'network=A%20B',
      'network=%3Cx%3E',
      `q=${'x'.repeat(201)}`,
      many,
      `tag=${'é'.repeat(201)}`,
    ])
      expect(() => parse(bad), bad).toThrow(FilterError);
    expect(() => parse(many)).toThrow(/at most 50/);
  });

  it('folds search words and category keys like the stored text', () => {
    expect(searchWords('  Numérique, ÉCONOMIE l’œuvre ')).toEqual([
      'numerique',
      'economie',
      'l',
      'oeuvre',
    ]);
    expect(searchWords('%_')).toEqual([]);
    expect(searchWords('a b c d e f g h i j')).toHaveLength(8);
    expect(categoryKeys(['Économie sociale', 'economie  SOCIALE', 'Tiers-lieux', ' '])).toBe(
      '|economie sociale|tiers lieux|',
    );
    expect(categoryKeys([])).toBe('');
  });

  it('matches in memory as SQL does: any value of a filter, all filters together', () => {
    const nets = [
      { slug: 'a', territory: 'Bretagne', tags: ['Coopération'] },
      { slug: 'b', territory: 'Occitanie', tags: ['emploi'] },
      { slug: 'c', territory: null, tags: [] },
    ];
    const m = (q: string) => filterMatcher(parse(q), nets);
    expect(m('')(['c'], [])).toBe(true);
    expect(m('territory=bretagne&territory=OCCITANIE')(['b'], [])).toBe(true);
    expect(m('territory=bretagne')(['b', 'c'], [])).toBe(false);
    expect(m('tag=cooperation&tag=audio')(['c'], ['Audio'])).toBe(true);
    expect(m('tag=cooperation&tag=audio')(['a'], [])).toBe(true);
    expect(m('tag=cooperation')(['b'], ['coop'])).toBe(false);
    expect(m('network=c&territory=bretagne')(['a', 'c'], [])).toBe(false);
    expect(m('network=a&network=c&tag=emploi')(['b'], [])).toBe(false);
    expect(m('network=b&tag=emploi')(['b'], [])).toBe(true);
  });
});
