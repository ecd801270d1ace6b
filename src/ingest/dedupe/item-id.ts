/** Stable ids for the hub's stories (items). */

/** The 32 characters of item ids, in ASCII order so that ids sort as their numbers do. */
const BASE32 = '23456789abcdefghijkmnpqrstuvwxyz';
/** The time prefix counts 4 ms steps since 1970: 8 characters (40 bits) last until 2109. */
const TIME_CHARS = 8;
const TIME_STEP_MS = 4;

/**
 * A new stable hub id for an item: 16 characters of an unambiguous base32 alphabet, the time of
 * creation (8 characters, sortable) then 40 random bits. Random rather than derived from an
 * entry so that a split never collides with the id its first entry would derive.
 *
 * Time first because ids key two indexes (the items table's and entries by item): fully random
 * ids put every new story on a page of its own in each, and a cold pull then wrote a page per
 * index per story to the WAL; ids that grow with time land together at the end of each.
 */
export function newItemId(now = Date.now()): string {
  let id = '';
  let time = Math.floor(now / TIME_STEP_MS);
  for (let i = 0; i < TIME_CHARS; i++) {
    id = BASE32[time % 32]! + id;
    time = Math.floor(time / 32);
  }
  // Random bytes drawn 4 KB at a time: one getRandomValues per id was visible in cold pulls.
  if (poolOffset + 16 - TIME_CHARS > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  for (let i = TIME_CHARS; i < 16; i++) id += BASE32[pool[poolOffset++]! & 31];
  return id;
}

const pool = new Uint8Array(4096);
let poolOffset = pool.length;
