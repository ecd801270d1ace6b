/**
 * The demo's hub: the prepared federation, Node services over the demo's own SQLite file, and
 * mail caught in memory (shown at /demo/mailbox) unless HUB_SMTP_URL says where to send it.
 * Used by `intercoop demo` and by the tests that walk through the demo.
 */
import { nodeDeps, type NodeDeps } from '../deps.ts';
import { prepareDemo, type DemoOptions, type PreparedDemo } from './prepare.ts';
import { syncFederationFile } from '../federation-file.ts';
import { memoryMailbox } from '../../../src/demo/mailbox.ts';
import type { Logger } from '../../../src/deps.ts';

export interface DemoHub {
  demo: PreparedDemo;
  deps: NodeDeps;
  close(): Promise<void>;
}

export async function startDemoHub(options: DemoOptions & { log?: Logger }): Promise<DemoHub> {
  const demo = await prepareDemo(options);
  const deps = nodeDeps({ config: demo.config, log: options.log });
  try {
    if (!demo.config.smtpUrl) {
      const caught = memoryMailbox(deps.clock, demo.config.mailFrom ?? 'demo@demo.invalid');
      deps.mailer = caught.mailer;
      deps.mailbox = caught.mailbox;
    }
    await syncFederationFile(deps);
  } catch (err) {
    await deps.close();
    await demo.federation.close();
    throw err;
  }
  return {
    demo,
    deps,
    async close() {
      await deps.close();
      await demo.federation.close();
    },
  };
}
