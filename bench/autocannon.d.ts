/** autocannon ships no types; the bench only uses its documented programmatic API. */
declare module 'autocannon' {
  const autocannon: (options: Record<string, unknown>) => Promise<{
    requests: { average: number };
    latency: { p99: number; p50: number };
    non2xx: number;
  }>;
  export default autocannon;
}
