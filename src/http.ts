import type { Context } from 'hono';
import type { Deps } from './deps.ts';
import type { CspOverrides } from './web/security-headers.ts';

/**
 * Hono's typed context for the hub: every handler reaches services through `c.get('deps')`;
 * a route that needs another Content-Security-Policy says so in `csp` (web/security-headers.ts).
 */
export type HubEnv = { Variables: { deps: Deps; csp?: CspOverrides } };
export type HubContext = Context<HubEnv>;
