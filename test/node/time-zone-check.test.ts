import { describe } from 'vitest';
import { timeZoneCheckScenarios } from '../support/time-zone-check-suite.ts';

describe('networks.json time zone check (Node)', () => timeZoneCheckScenarios());
