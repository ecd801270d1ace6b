/** The one schema shared by SQLite (Node) and D1 (Workers). Each aggregate has its file. */
export * from './networks.ts';
export * from './sources.ts';
export * from './items.ts';
export * from './newsletter.ts';
export * from './events.ts';
export * from './console.ts';
export * from './upstream.ts';
