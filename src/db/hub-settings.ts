import { settings } from './schema/index.ts';
import type { Database } from './client.ts';

/** The `hub:` block of networks.yaml, as stored. */
export interface HubSettings {
  title: string;
  baseUrl: string;
  language: 'fr' | 'en';
  timezone: string;
  /** Addresses that may ask for an emailed sign-in link to the console (lower-cased). */
  coordinators?: string[];
}

export const defaultHubSettings: HubSettings = {
  title: 'Intercoop',
  baseUrl: 'http://127.0.0.1:8787',
  language: 'fr',
  timezone: 'Europe/Paris',
};

const KEY = 'hub';

export async function readHubSettings(
  db: Database,
  baseUrlOverride?: string,
): Promise<HubSettings> {
  const rows = await db.orm.select().from(settings);
  const stored = rows.find((r) => r.key === KEY);
  const value = stored
    ? { ...defaultHubSettings, ...(JSON.parse(stored.value) as Partial<HubSettings>) }
    : defaultHubSettings;
  return baseUrlOverride ? { ...value, baseUrl: baseUrlOverride } : value;
}

export async function writeHubSettings(db: Database, value: HubSettings): Promise<void> {
  const json = JSON.stringify(value);
  await db.orm
    .insert(settings)
    .values({ key: KEY, value: json })
    .onConflictDoUpdate({ target: settings.key, set: { value: json } });
}
