/**
 * Which IP addresses the fetcher must not reach (pure; used by guard.ts). An address is
 * refused when it is not a public unicast one: loopback, private, link-local (cloud metadata
 * at 169.254.169.254), CGNAT, "this network", documentation, benchmark, multicast, reserved,
 * and the IPv6 forms that embed such an IPv4 address (mapped, compatible, NAT64, 6to4).
 */

/** [first address as a 32-bit number, prefix length, label] */
const V4_BLOCKS: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'réseau « this network »'],
  ['10.0.0.0', 8, 'réseau privé'],
  ['100.64.0.0', 10, 'réseau partagé CGNAT'],
  ['127.0.0.0', 8, 'boucle locale'],
  ['169.254.0.0', 16, 'lien local (métadonnées cloud)'],
  ['172.16.0.0', 12, 'réseau privé'],
  ['192.0.0.0', 24, 'réservé IETF'],
  ['192.0.2.0', 24, 'réservé à la documentation'],
  ['192.88.99.0', 24, 'relais 6to4'],
  ['192.168.0.0', 16, 'réseau privé'],
  ['198.18.0.0', 15, 'réservé aux bancs de test'],
  ['198.51.100.0', 24, 'réservé à la documentation'],
  ['203.0.113.0', 24, 'réservé à la documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'réservé'],
];

const v4Blocks = V4_BLOCKS.map(([start, bits, label]) => ({
  start: parseIPv4(start)!,
  bits,
  label,
}));

/** Dotted-quad IPv4 (the form WHATWG URL and resolvers produce) → 32-bit number, or null. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const byte = Number(part);
    if (byte > 255) return null;
    n = n * 256 + byte;
  }
  return n;
}

/** IPv6 text (with or without brackets, zone id, embedded IPv4 tail) → eight 16-bit groups, or null. */
export function parseIPv6(text: string): number[] | null {
  let s = text
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  if (!s.includes(':')) return null;
  // An IPv4 tail ("::ffff:127.0.0.1") becomes its two hex groups, then the text parses as plain IPv6.
  const lastColon = s.lastIndexOf(':');
  const tailText = s.slice(lastColon + 1);
  if (tailText.includes('.')) {
    const v4 = parseIPv4(tailText);
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const groups: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...head, ...new Array<number>(8 - known).fill(0), ...rest];
  }
  return known === 8 ? head : null;
}

function v4Reason(n: number): string | null {
  if (n === 0xffffffff) return 'diffusion';
  for (const b of v4Blocks) {
    const mask = b.bits === 0 ? 0 : (0xffffffff << (32 - b.bits)) >>> 0;
    if ((n & mask) >>> 0 === b.start) return b.label;
  }
  return null;
}

const v4Of = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;

function v6Reason(g: number[]): string | null {
  const [a, b, c, d, e, f, hi, lo] = g as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zeroTo = (k: number) => g.slice(0, k).every((x) => x === 0);
  if (zeroTo(8)) return 'adresse non spécifiée';
  if (zeroTo(7) && lo === 1) return 'boucle locale';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), ::ffff:0:a.b.c.d (translated): the IPv4 inside decides.
  if (zeroTo(5) && (f === 0xffff || f === 0))
    return v4Reason(v4Of(hi, lo)) ?? (f === 0 ? 'IPv6 compatible IPv4 (obsolète)' : null);
  if (zeroTo(4) && e === 0xffff && f === 0) return v4Reason(v4Of(hi, lo)) ?? null;
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4; its local-use prefix 64:ff9b:1::/48 is private.
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0)
    return v4Reason(v4Of(hi, lo));
  if (a === 0x64 && b === 0xff9b && c === 1) return 'NAT64 local';
  // 6to4 (2002::/16) embeds an IPv4 address in bits 16–47.
  if (a === 0x2002) return v4Reason(v4Of(b, c));
  // Teredo hides its client's address; nothing legitimate serves feeds from there.
  if (a === 0x2001 && b === 0) return 'tunnel Teredo';
  if (a === 0x2001 && b === 0xdb8) return 'réservé à la documentation';
  if (a === 0x100 && b === 0 && c === 0 && d === 0) return 'préfixe de rejet';
  if ((a & 0xfe00) === 0xfc00) return 'réseau privé (ULA)';
  if ((a & 0xffc0) === 0xfe80) return 'lien local';
  if ((a & 0xffc0) === 0xfec0) return 'site local (obsolète)';
  if ((a & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/**
 * Why an IP address literal must not be fetched ("boucle locale", "réseau privé"…), null when
 * it is public, undefined when the text is not an IP address at all (a host name).
 */
export function blockedAddressReason(address: string): string | null | undefined {
  const v4 = parseIPv4(address);
  if (v4 !== null) return v4Reason(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return v6Reason(v6);
  return undefined;
}
