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

  it('[SEALED-21] a device link keeps its ticket with the pending invite for a reload; an altered ticket is an error and nothing is kept', async () => {
    const secret = generateRoomSecret();
    window.history.replaceState(null, '', `/join#k=${encodeSecret(secret)}&t=${'A'.repeat(21)}Q`);
    const { consumeInviteFragment } = await import('./inviteFragment.ts');
    expect(consumeInviteFragment().kind).toBe('secret');
    expect(sessionStorage.getItem('seen.pending-ticket')).toBe(`${'A'.repeat(21)}Q`);
    vi.resetModules();
    sessionStorage.clear();
    window.history.replaceState(null, '', `/join#k=${encodeSecret(secret)}&t=${'A'.repeat(20)}`);
    const read = (await import('./inviteFragment.ts')).consumeInviteFragment();
    expect(read.kind).toBe('error');
    if (read.kind === 'error') expect(read.error.message).toMatch(/device link looks cut off or altered/);
    expect(sessionStorage.length).toBe(0);
  });
});
