import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../src/web/admin-auth.ts';

describe('constantTimeEqual', () => {
  it('matches equal strings and rejects others, whatever their length', async () => {
    expect(await constantTimeEqual('s3cret', 's3cret')).toBe(true);
    expect(await constantTimeEqual('s3cret', 's3creT')).toBe(false);
    expect(await constantTimeEqual('s3cret', 's3cret-longer')).toBe(false);
    expect(await constantTimeEqual('', 'x')).toBe(false);
  });
});
