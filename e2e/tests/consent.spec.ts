import { expect, test } from '@playwright/test';
import { closePartners, createRoom, expectAccessible, joinRoom, openPartner, snap } from '../fixtures/seen.ts';

// APP-10 and APP-13: going deeper needs both; your own cards join the room's deck.
test('going deeper needs both partners; own cards are added to the room', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Slowly deeper' });
  await joinRoom(sam.page, link, 'Sam');

  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  await alex.page.getByLabel('Your card').fill('Hi?');
  await alex.page.getByRole('button', { name: 'Add card' }).click();
  await expect(alex.page.getByText('Write at least a few words')).toBeVisible();
  await alex.page.getByLabel('Your card').fill('What is one thing you would like us to try this winter?');
  await alex.page.getByLabel('Depth').selectOption('2');
  await alex.page.getByRole('button', { name: 'Add card' }).click();
  await expect(alex.page.getByRole('list', { name: 'Cards you’ve added' })).toContainText('What is one thing you would like us to try this winter?');

  // Alex opts in; the room stays at warm-up until Sam agrees.
  await alex.page.getByRole('radio', { name: /^Deeper/ }).check();
  await expect(alex.page.getByText('now warm-up')).toBeVisible();

  await expect(sam.page.getByText('Alex would like to go deeper')).toBeVisible();
  await expectAccessible(sam.page, 'depth invitation');
  await snap(sam.page, testInfo, '40-depth-invitation');
  await sam.page.getByRole('button', { name: 'Yes, go deeper together' }).click();
  await expect(alex.page.getByText('now deeper')).toBeVisible();
  await expect(sam.page.getByText('Alex would like to go deeper')).toHaveCount(0);

  // Sam's own-card list shows Alex's card too (it lives in the shared document).
  await sam.page.getByRole('link', { name: 'Room & data' }).click();
  await expect(sam.page.getByRole('list', { name: 'Cards you’ve added' })).toContainText('added by Alex');
  // Either partner can step back at once.
  await sam.page.getByRole('radio', { name: /^Warm-up/ }).check();
  await expect(alex.page.getByText('now warm-up')).toBeVisible();

  await closePartners(alex, sam);
});
