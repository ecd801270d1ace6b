/**
 * Runs tasks with bounded concurrency overall and per key (the host): a federation often
 * hosts many members on one server (a shared WordPress farm, a regional portal), and
 * politeness means never opening more than a couple of connections to it at once.
 * Order is kept where limits allow; a task's failure is the task's business (it must not throw).
 */
export async function runLimited<T>(
  tasks: readonly T[],
  keyOf: (task: T) => string,
  limits: { concurrency: number; perKey: number },
  run: (task: T) => Promise<void>,
): Promise<void> {
  // Each task's key once: a pump looks at the waiting tasks again each time one ends, and a
  // key is a URL parsed (hostKey): an all-304 pull of 1,000 sources spent ~20 ms on it.
  const waiting = tasks.map((task) => ({ task, key: keyOf(task) }));
  const active = new Map<string, number>();
  let running = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (!waiting.length && running === 0) return resolve();
      for (let i = 0; i < waiting.length && running < limits.concurrency; ) {
        const { task, key } = waiting[i]!;
        if ((active.get(key) ?? 0) >= limits.perKey) {
          i++;
          continue;
        }
        waiting.splice(i, 1);
        running++;
        active.set(key, (active.get(key) ?? 0) + 1);
        run(task)
          .then(() => {
            running--;
            active.set(key, active.get(key)! - 1);
            pump();
          })
          .catch(reject);
      }
    };
    pump();
  });
}

/** The key a URL is limited by: its host (port included), or the whole string when unparsable. */
export function hostKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
