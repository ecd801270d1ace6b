import type { Context } from 'hono';
import type { Deps } from './deps.ts';

/** Hono's typed context for the hub: every handler reaches services through `c.get('deps')`. */
export type HubEnv = { Variables: { deps: Deps } };
export type HubContext = Context<HubEnv>;
