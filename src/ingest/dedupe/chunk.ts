/** Splits a list for statements that must stay under D1's 100 bound parameters. */
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Keys per `IN (…)` list, leaving room for a few other parameters in the same statement. */
export const IN_LIST = 90;
