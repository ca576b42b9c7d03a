import { expect, test, type TestInfo } from '@playwright/test';
import { openPairedRoom } from '../fixtures/pairedRoom.ts';
import { closePartners, createRoom, expectAccessible, openPartner, snap, type Partner } from '../fixtures/seen.ts';

// APP-18: a link cut short says so, opens nothing and saves nothing.
test('a truncated invite link explains itself', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Truncated' });

  await sam.page.goto(link.slice(0, -6));
  await expect(sam.page.getByText('This invite link isn’t complete')).toBeVisible();
  await expect(sam.page.getByText(/cut off or altered/)).toBeVisible();
  await expect(sam.page).toHaveURL(/\/join$/);
  await expectAccessible(sam.page, 'broken invite');
  await snap(sam.page, testInfo, '30-broken-link');

  await sam.page.goto(link.replace('#k=', '#x='));
  await expect(sam.page.getByText('This invite link isn’t complete')).toBeVisible();
  await expect(sam.page.getByText(/no room key/)).toBeVisible();

  await closePartners(alex, sam);
});

// A link whose key was changed (right length, wrong key) does not lead into anything.
test('an altered invite link does not open a room', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Altered' });
  // Change one character of the key (to one it is not already: a same-letter swap left the link intact).
  const changed = link.at(-2) === 'A' ? 'B' : 'A';
  await sam.page.goto(`${link.slice(0, -2)}${changed}${link.at(-1)}`);
  await expect(sam.page.getByText(/There’s no room behind this link|This link doesn’t open a room here/)).toBeVisible({ timeout: 20_000 });
  await expect(sam.page.getByRole('button', { name: 'Join the room' })).toHaveCount(0);
  await snap(sam.page, testInfo, '31-altered-link');
  await closePartners(alex, sam);
});

/** Alex deletes the room for everyone from "Room & data", through the confirmation dialog. */
async function deleteForEveryone(alex: Partner, testInfo: TestInfo): Promise<void> {
  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  await alex.page.getByRole('button', { name: 'Delete for everyone' }).click();
  const dialog = alex.page.getByRole('dialog', { name: 'Delete this room for everyone?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(alex.page, 'delete dialog');
  await snap(alex.page, testInfo, '32-delete-dialog');
  await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(alex.page.getByText('The room is deleted')).toBeVisible();
}

/** Alex seals the room from "Room & data"; the button disappears once the relay has it. */
async function sealRoom(alex: Partner): Promise<void> {
  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  await alex.page.getByRole('button', { name: 'Seal the room' }).click();
  await alex.page.getByRole('dialog', { name: 'Seal this room?' }).getByRole('button', { name: 'Seal it' }).click();
  await expect(alex.page.getByRole('button', { name: 'Seal the room' })).toHaveCount(0);
}

// APP-19: deleting for everyone erases the room; the partner's device says so and lets it go.
test('a deleted room shows its message on both devices', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: 'Short-lived' });
  await deleteForEveryone(alex, testInfo);

  await expect(sam.page.getByText('This room was deleted')).toBeVisible({ timeout: 20_000 });
  await expectAccessible(sam.page, 'room deleted');
  await snap(sam.page, testInfo, '33-room-deleted');
  await sam.page.goto('/');
  await expect(sam.page.getByRole('link', { name: /Short-lived/ })).toHaveCount(0);
  await closePartners(alex, sam);
});

// APP-19: after a deletion the old invite link no longer leads anywhere.
test('the invite link of a deleted room opens nothing', async ({ browser }, testInfo) => {
  const { alex, sam, link } = await openPairedRoom(browser, testInfo, { roomName: 'Short-lived' });
  await deleteForEveryone(alex, testInfo);
  await expect(sam.page.getByText('This room was deleted')).toBeVisible({ timeout: 20_000 });

  const stranger = await openPartner(browser, testInfo, 'Kim');
  await stranger.page.goto(link);
  await expect(stranger.page.getByText(/This room was deleted|There’s no room behind this link/)).toBeVisible({ timeout: 20_000 });
  await closePartners(alex, sam, stranger);
});

// APP-19: leaving forgets the room here only; the partner keeps it, and the link brings you back.
test('leaving forgets the room on this device only', async ({ browser }, testInfo) => {
  const { alex, sam, link } = await openPairedRoom(browser, testInfo, { roomName: 'Stay or go' });

  await sam.page.getByRole('link', { name: 'Room & data' }).click();
  await sam.page.getByRole('button', { name: 'Leave on this device' }).click();
  await sam.page.getByRole('dialog', { name: 'Leave this room on this device?' }).getByRole('button', { name: 'Leave' }).click();
  await expect(sam.page).toHaveURL(/\/$/);
  await expect(sam.page.getByRole('link', { name: /Stay or go/ })).toHaveCount(0);
  // Nothing of the room is left in this browser's IndexedDB.
  const databases = await sam.page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
  expect(databases.filter((name) => name?.startsWith('seen-room-'))).toEqual([]);

  await expect(alex.page.getByText('Sam was last active', { exact: false })).toBeVisible();
  await alex.page.reload();
  await expect(alex.page.getByRole('heading', { name: 'Draw your first cards' })).toBeVisible();

  // Coming back with the link: Sam picks their name, and with no device of Sam's left in the room,
  // Alex lets the new one in after checking the code with Sam (SEALED-7).
  await sam.page.goto(link);
  await sam.page.getByRole('button', { name: 'I’m Sam' }).click();
  await expect(sam.page.getByRole('heading', { name: 'Approve this device from your other one' })).toBeVisible();
  const code = (await sam.page.locator('.approval-code').innerText()).trim();
  const ask = alex.page.locator('.notice', { has: alex.page.getByText('A new device wants to join as Sam — approve?') });
  await expect(ask).toContainText(code);
  await ask.getByRole('button', { name: 'Approve' }).click();
  await expect(sam.page.getByRole('heading', { name: 'Approve this device from your other one' })).toHaveCount(0);
  await expect(sam.page.getByText('Alex is here')).toBeVisible();
  await closePartners(alex, sam);
});

// A sealed room refuses new devices, in words.
test('a sealed room turns a leaked link away and says why', async ({ browser }, testInfo) => {
  const { alex, sam, link } = await openPairedRoom(browser, testInfo, { roomName: 'Just us' });
  await sealRoom(alex);

  const stranger = await openPartner(browser, testInfo, 'Kim');
  await stranger.page.goto(link);
  await expect(stranger.page.getByText('This room is sealed')).toBeVisible({ timeout: 20_000 });
  await expectAccessible(stranger.page, 'sealed room');
  await snap(stranger.page, testInfo, '34-room-sealed');
  await closePartners(alex, sam, stranger);
});

// A sealed room keeps its members' way in.
test('a device registered before the seal still gets in and syncs', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: 'Just us' });
  await sealRoom(alex);

  // Sam's device was registered before the seal: a reload still gets in and syncs.
  await sam.page.reload();
  await expect(sam.page.getByText('Alex is here')).toBeVisible({ timeout: 20_000 });
  await closePartners(alex, sam);
});
