import { describe, expect, it } from 'vitest';
import { InMemoryReplayStore } from './replay-store.js';

const later = (): Date => new Date(Date.now() + 60_000);

describe('in-memory replay store', () => {
  it('lets each jti be claimed once', async () => {
    const store = new InMemoryReplayStore();
    expect(await store.claim('a'.repeat(16), later())).toBe(true);
    expect(await store.claim('a'.repeat(16), later())).toBe(false);
    expect(await store.claim('b'.repeat(16), later())).toBe(true);
  });

  it('forgets expired ids when it sweeps', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new InMemoryReplayStore(() => now);
    await store.claim('x', new Date(now.getTime() + 1000));
    now = new Date(now.getTime() + 120_000);
    await store.claim('y', new Date(now.getTime() + 1000));
    expect(store.size).toBe(1);
  });
});

// The PostgreSQL store is tested on a real server: packages/dmp/test/replay-store.test.ts.
