/** See bundle.js: bundles `entry` (a path from the project root) and returns the bundle's file URL. */
export function bundle(entry: string): Promise<string>;
