import '../testing/installDom.ts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeSecret, generateRoomSecret } from './invite.ts';

describe('invite fragment', () => {
  beforeEach(() => {
    vi.resetModules();
    sessionStorage.clear();
  });

  it('[APP-18] reads the secret once, keeps it for the tab and strips it from the address bar', async () => {
    const secret = generateRoomSecret();
    window.history.replaceState(null, '', `/join#k=${encodeSecret(secret)}`);
    const { consumeInviteFragment, clearPendingInvite } = await import('./inviteFragment.ts');
    const read = consumeInviteFragment();
    expect(read.kind).toBe('secret');
    if (read.kind === 'secret') expect(encodeSecret(read.secret)).toBe(encodeSecret(secret));
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/join');

    // A reload of /join (fragment gone) still finds the invite in this tab.
    vi.resetModules();
    const again = await import('./inviteFragment.ts');
    const reread = again.consumeInviteFragment();
    expect(reread.kind).toBe('secret');
    again.clearPendingInvite();
    vi.resetModules();
    expect((await import('./inviteFragment.ts')).consumeInviteFragment().kind).toBe('none');
    clearPendingInvite();
  });

  it('[APP-18] a truncated link is an error with a sentence, and nothing is kept', async () => {
    window.history.replaceState(null, '', `/join#k=${encodeSecret(generateRoomSecret()).slice(0, 30)}`);
    const { consumeInviteFragment } = await import('./inviteFragment.ts');
    const read = consumeInviteFragment();
    expect(read.kind).toBe('error');
    if (read.kind === 'error') expect(read.error.message).toMatch(/cut off|altered/);
    expect(window.location.hash).toBe('');
    expect(sessionStorage.length).toBe(0);
  });
});
