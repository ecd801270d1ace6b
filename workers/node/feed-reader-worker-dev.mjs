// Runs feed-reader-worker.ts from its source (tests, tsx): the bundle of bin/bundle.js has a
// plain JavaScript copy instead. Threads do not inherit the parent's TypeScript loader.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

await tsImport('./feed-reader-worker.ts', {
  parentURL: import.meta.url,
  tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
});
