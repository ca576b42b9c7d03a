import { expect, test } from '@playwright/test';
import { openPairedRoom } from '../fixtures/pairedRoom.ts';
import { closePartners, expectAccessible, snap } from '../fixtures/seen.ts';

// APP-10 and APP-13: going deeper needs both; your own cards join the room's deck.

const OWN_CARD = 'What is one thing you would like us to try this winter?';

test('own cards: a card too short to answer is refused in words; an added card joins the room for both partners', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: 'Slowly deeper' });

  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  await alex.page.getByLabel('Your card').fill('Hi?');
  await alex.page.getByRole('button', { name: 'Add card' }).click();
  await expect(alex.page.getByText('Write at least a few words')).toBeVisible();
  await alex.page.getByLabel('Your card').fill(OWN_CARD);
  await alex.page.getByLabel('Depth').selectOption('2');
  await alex.page.getByRole('button', { name: 'Add card' }).click();
  await expect(alex.page.getByRole('list', { name: 'Cards you’ve added' })).toContainText(OWN_CARD);

  // Sam's own-card list shows Alex's card too (it lives in the shared document).
  await sam.page.getByRole('link', { name: 'Room & data' }).click();
  await expect(sam.page.getByRole('list', { name: 'Cards you’ve added' })).toContainText('added by Alex');
  await closePartners(alex, sam);
});

test('going deeper needs both partners, and either can step back at once', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: 'Slowly deeper' });
  await alex.page.getByRole('link', { name: 'Room & data' }).click();

  // Alex opts in; the room stays at warm-up until Sam agrees.
  await alex.page.getByRole('radio', { name: /^Deeper/ }).check();
  await expect(alex.page.getByText('now warm-up')).toBeVisible();

  await expect(sam.page.getByText('Alex would like to go deeper')).toBeVisible();
  await expectAccessible(sam.page, 'depth invitation');
  await snap(sam.page, testInfo, '40-depth-invitation');
  await sam.page.getByRole('button', { name: 'Yes, go deeper together' }).click();
  await expect(alex.page.getByText('now deeper')).toBeVisible();
  await expect(sam.page.getByText('Alex would like to go deeper')).toHaveCount(0);

  // Either partner can step back at once.
  await sam.page.getByRole('link', { name: 'Room & data' }).click();
  await sam.page.getByRole('radio', { name: /^Warm-up/ }).check();
  await expect(alex.page.getByText('now warm-up')).toBeVisible();
  await closePartners(alex, sam);
});
