/**
 * The part of workerd's `cloudflare:workers` module the hub uses. @cloudflare/workers-types
 * declares it only in its global form, which clashes with the DOM types the rest of the code
 * is checked against.
 */
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: unknown;
    protected env: Env;
    constructor(ctx: unknown, env: Env);
  }
}
