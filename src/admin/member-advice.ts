/**
 * What a coordinator can tell a member network about one of its sources, in plain words,
 * from the source's recorded state (error kind, HTTP status). Pure. Null when all is well or
 * when the fault is the hub's own (nothing to ask the member).
 */
import type { SourceRow } from '../db/schema/sources.ts';
import type { Lang } from '../web/i18n.ts';

type Advisable = Pick<SourceRow, 'status' | 'lastStatus' | 'lastErrorKind' | 'errorCount' | 'url'>;

const fr = {
  gone: (u: string) =>
    `Votre site indique que le flux ${u} n’existe plus. S’il a été remplacé, envoyez-nous la ` +
    'nouvelle adresse.',
  notFound: (u: string) =>
    `L’adresse ${u} répond « page introuvable » : le flux a-t-il changé d’adresse ? Envoyez-nous ` +
    'la nouvelle.',
  denied: (u: string) =>
    `Votre site refuse l’accès du hub à ${u} : autorisez le robot « IntercoopHub » (pare-feu, ` +
    'protection anti-robots).',
  server: () =>
    'Votre site répond par une erreur de serveur : signalez-le à votre hébergeur ou à la ' +
    'personne qui gère le site.',
  http: (u: string) => `Votre site refuse de servir ${u} : vérifiez que l’adresse est publique.`,
  dns: (u: string) =>
    `Le nom de domaine de ${u} est introuvable : vérifiez qu’il est bien renouvelé et l’adresse ` +
    'bien écrite.',
  down: () =>
    'Votre site ne répond pas (ou trop lentement) : vérifiez qu’il est en ligne ; le hub ' +
    'réessaie de lui-même.',
  tooLarge: () =>
    'Votre flux est trop volumineux (plus de 5 Mo) : limitez-le aux derniers articles (20 à 50).',
  unreadable: () =>
    'Votre flux n’est pas lisible : faites-le vérifier par ' +
    'https://validator.w3.org/feed/ et corrigez les erreurs signalées.',
  notAFeed: (u: string) =>
    `La page ${u} ne signale aucun flux : ajoutez une balise <link rel="alternate" ` +
    'type="application/rss+xml"> ou envoyez-nous l’adresse du flux.',
  blocked: (u: string) =>
    `L’adresse ${u} mène à un réseau privé : donnez-nous une adresse publique.`,
  loop: (u: string) =>
    `L’adresse ${u} redirige en boucle : corrigez la redirection sur votre site.`,
  invalid: (u: string) => `L’adresse ${u} n’est pas valable : vérifiez-la.`,
};

const en: typeof fr = {
  gone: (u) =>
    `Your site says the feed ${u} no longer exists. If it was replaced, send us the new address.`,
  notFound: (u) =>
    `The address ${u} answers “not found”: did the feed move? Send us its new address.`,
  denied: (u) =>
    `Your site refuses the hub access to ${u}: allow the “IntercoopHub” robot (firewall, bot ` +
    'protection).',
  server: () => 'Your site answers with a server error: tell your host or whoever runs the site.',
  http: (u) => `Your site refuses to serve ${u}: check that the address is public.`,
  dns: (u) => `The domain name of ${u} cannot be found: check it is renewed and spelt right.`,
  down: () =>
    'Your site does not answer (or too slowly): check that it is online; the hub retries on its ' +
    'own.',
  tooLarge: () => 'Your feed is too large (over 5 MB): limit it to the latest posts (20 to 50).',
  unreadable: () =>
    'Your feed cannot be read: check it with https://validator.w3.org/feed/ and fix what it ' +
    'reports.',
  notAFeed: (u) =>
    `The page ${u} advertises no feed: add a <link rel="alternate" type="application/rss+xml"> ` +
    'tag or send us the feed’s address.',
  blocked: (u) => `The address ${u} leads to a private network: give us a public address.`,
  loop: (u) => `The address ${u} redirects in a loop: fix the redirect on your site.`,
  invalid: (u) => `The address ${u} is not valid: please check it.`,
};

export function memberAdvice(s: Advisable, lang: Lang): string | null {
  const w = lang === 'en' ? en : fr;
  if (s.status === 'retired') return w.gone(s.url);
  if (s.status !== 'active' || s.errorCount === 0) return null;
  const status = s.lastStatus ?? 0;
  switch (s.lastErrorKind) {
    case 'http_error':
      if (status === 404) return w.notFound(s.url);
      if (status === 401 || status === 403 || status === 429) return w.denied(s.url);
      if (status >= 500) return w.server();
      return w.http(s.url);
    case 'dns':
      return w.dns(s.url);
    case 'network':
    case 'timeout':
      return w.down();
    case 'too_large':
      return w.tooLarge();
    case 'parse_error':
    case 'decode_error':
      return w.unreadable();
    case 'not_a_feed':
      return w.notAFeed(s.url);
    case 'blocked_host':
      return w.blocked(s.url);
    case 'redirect_loop':
      return w.loop(s.url);
    case 'invalid_url':
      return w.invalid(s.url);
    default:
      // storage_error and the like: the hub's own trouble, nothing to ask the member.
      return null;
  }
}
