import { describe, expect, it } from 'vitest';
import {
  eventPageUrl,
  normaliseRrule,
  sameEvent,
  venueRelation,
  type RelayCandidate,
} from '../../src/agenda/event-similarity.ts';

const START = Date.UTC(2026, 11, 4, 9, 0);
const ev = (over: Partial<RelayCandidate>): RelayCandidate => ({
  title: 'Forum des SCOP 2026 à Lille',
  location: null,
  url: null,
  start: START,
  rrule: null,
  ...over,
});

describe('venueRelation: only the distinguishing part of a place counts', () => {
  it('a shared prefix with different cities, rooms or numbers contradicts', () => {
    for (const [a, b] of [
      ['Maison des associations, Lille', 'Maison des associations, Montpellier'],
      ['Maison des associations de Lille', 'Maison des associations, Montpellier'],
      ['Maison des associations, Lille, salle 2', 'Maison des associations, Lille, salle 3'],
      ['Salle Jean Moulin, Lille', 'Salle Jean Jaurès, Lille'],
      ['3 rue de la Paix, Lyon', '5 rue de la Paix, Lyon'],
    ])
      expect(venueRelation(a, b), `${a} / ${b}`).toBe('conflict');
  });

  it('the same place, one description more precise, confirms', () => {
    expect(venueRelation('Lille Grand Palais', 'Lille – Grand Palais')).toBe('confirm');
    expect(venueRelation('Lille', 'Maison des associations, 59000 Lille')).toBe('confirm');
    expect(venueRelation('MAISON DES ASSOCIATIONS, LILLE', 'Maison des associations – Lille')).toBe(
      'confirm',
    );
  });

  it('generic words alone, or a missing place, say nothing', () => {
    expect(venueRelation('Maison des associations', 'Maison des associations, Lille')).toBe(
      'unknown',
    );
    expect(venueRelation('Salle des fêtes', 'Salle des fêtes')).toBe('unknown');
    expect(venueRelation(null, 'Lille')).toBe('unknown');
    expect(venueRelation('En ligne', 'Visio')).toBe('unknown');
  });
});

describe('sameEvent', () => {
  it('merges a relay with the same start and the same title once relay marks are removed', () => {
    for (const title of [
      '[Relais] Forum des SCOP 2026 à Lille',
      'Relayé depuis Animacoop : Forum des SCOP 2026 à Lille',
      'Forum des SCOP 2026 à Lille (relais)',
      'FORUM DES SCOP 2026 À LILLE',
    ])
      expect(sameEvent(ev({}), ev({ title }))?.reason, title).toBe('same_event');
    // Same page, even renamed by the relay.
    expect(
      sameEvent(
        ev({ url: 'https://animacoop.net/forum?utm_source=x' }),
        ev({ title: 'Le grand forum annuel', url: 'http://www.animacoop.net/forum/' }),
      )?.reason,
    ).toBe('same_url');
    // A looser title when the place confirms on its distinguishing part.
    expect(
      sameEvent(
        ev({ title: 'Atelier compost partagé', location: 'Jardin Mosaïc, Lille' }),
        ev({ title: 'Atelier compost', location: 'Lille, Jardin Mosaïc' }),
      )?.reason,
    ).toBe('same_event');
  });

  it('keeps apart what only looks alike', () => {
    const no = (a: Partial<RelayCandidate>, b: Partial<RelayCandidate>) =>
      expect(sameEvent(ev(a), ev(b)), JSON.stringify([a, b])).toBeNull();
    // Another instant.
    no({}, { start: START + 3600_000 });
    // Same title, same venue prefix, different cities.
    no(
      { title: 'Assemblée générale', location: 'Maison des associations, Lille' },
      { title: 'Assemblée générale', location: 'Maison des associations, Montpellier' },
    );
    no(
      { location: 'Maison des associations, Lille' },
      { location: 'Maison des associations, Montpellier' },
    );
    // Fairly similar titles at look-alike places: the place may only confirm.
    no(
      { title: 'Atelier vélo solidaire', location: 'Maison des associations, Lille' },
      { title: 'Atelier couture solidaire', location: 'Maison des associations, Lille' },
    );
    no(
      { title: 'Atelier compost partagé', location: 'Maison des associations' },
      { title: 'Atelier compost', location: 'Maison des associations' },
    );
    // A generic title with nothing else in common.
    no({ title: 'Assemblée générale' }, { title: 'Assemblée générale' });
    // A series and a one-off, two different rules.
    no({ rrule: 'FREQ=WEEKLY;BYDAY=TH' }, {});
    no({ rrule: 'FREQ=WEEKLY;BYDAY=TH' }, { rrule: 'FREQ=MONTHLY;BYDAY=1TH' });
    no({ rrule: 'FREQ=WEEKLY;BYDAY=TH' }, { rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=4' });
    // Episodes of a series.
    no({ title: 'Atelier numérique n°3' }, { title: 'Atelier numérique n°4' });
    // Same agenda page, different events.
    no(
      { title: 'Atelier A', url: 'https://animacoop.net/agenda' },
      { title: 'Atelier B', url: 'https://animacoop.net/agenda/' },
    );
    no(
      { title: 'Atelier A', url: 'https://animacoop.net/' },
      { title: 'Atelier B', url: 'https://animacoop.net' },
    );
  });

  it('two series with the same rule merge, whatever the order of its parts', () => {
    expect(
      sameEvent(
        ev({ rrule: 'FREQ=WEEKLY;BYDAY=TH;INTERVAL=1' }),
        ev({ title: '[Relais] Forum des SCOP 2026 à Lille', rrule: 'BYDAY=TH;FREQ=WEEKLY' }),
      )?.reason,
    ).toBe('same_event');
    expect(normaliseRrule('RRULE:byday=TH;FREQ=weekly')).toBe('BYDAY=TH;FREQ=WEEKLY');
    expect(eventPageUrl('https://coop.example/evenements/')).toBeNull();
    expect(eventPageUrl('https://coop.example/evenements/forum-2026')).toBe(
      'https://coop.example/evenements/forum-2026',
    );
  });
});
