import { expect, test } from '@playwright/test';
import { answerBox, createRoom, drawCards, expectAccessible, joinRoom, openPartner, snap, syncStatus, closePartners } from '../fixtures/seen.ts';

// The weekly ritual apart (APP-4, APP-5, APP-3): answers whenever, reveal when both have written.
test('weekly: Alex answers and leaves; Sam answers later and sees both; Alex returns to Sam’s answer', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');

  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Our weekly walk' });
  await joinRoom(sam.page, link, 'Sam');
  await sam.page.close();

  await drawCards(alex.page);
  await expect(alex.page.getByRole('heading', { name: 'This week’s cards' })).toBeVisible();
  await expect(alex.page.getByText('5 cards wait for you')).toBeVisible();
  await expectAccessible(alex.page, 'weekly card list');
  await snap(alex.page, testInfo, '20-weekly-list');

  await alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  const alexAnswer = 'ALEX-WEEKLY: I felt proud of us on Tuesday, and I didn’t say it.';
  await answerBox(alex.page).fill(alexAnswer);
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam hasn’t started yet');
  await expectAccessible(alex.page, 'weekly card, waiting for partner');
  await snap(alex.page, testInfo, '21-weekly-waiting-for-partner');
  await alex.page.getByRole('button', { name: 'All cards' }).click();
  await expect(alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first()).toContainText('Waiting for Sam');
  // Everything is on the relay before Alex closes the tab.
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await alex.page.close();

  // Later: Sam opens the room from "Your rooms".
  const samLater = await sam.context.newPage();
  await samLater.goto('/');
  await samLater.getByRole('link', { name: /Our weekly walk/ }).click();
  const firstCard = samLater.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first();
  await expect(firstCard).toContainText('Alex answered · waiting for you');
  await firstCard.click();
  await expect(samLater.getByRole('region', { name: 'Alex’s answer' })).toContainText('Alex has answered');
  await expect(samLater.getByText(alexAnswer)).toHaveCount(0);
  const samAnswer = 'SAM-WEEKLY: Tuesday too. I noticed you noticed.';
  await answerBox(samLater).fill(samAnswer);
  await samLater.getByRole('button', { name: 'Share my answer' }).click();
  await expect(samLater.getByRole('region', { name: 'Alex’s answer' })).toContainText(alexAnswer);
  await expect(samLater.getByRole('region', { name: 'Your answer' })).toContainText(samAnswer);
  await expect(syncStatus(samLater)).toHaveText(/^Saved/);
  await snap(samLater, testInfo, '22-weekly-revealed');
  await samLater.close();

  // Alex comes back and finds Sam's answer open.
  const alexLater = await alex.context.newPage();
  await alexLater.goto('/');
  await alexLater.getByRole('link', { name: /Our weekly walk/ }).click();
  const alexFirst = alexLater.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first();
  await expect(alexFirst).toContainText('Both answered · open');
  await alexFirst.click();
  await expect(alexLater.getByRole('region', { name: 'Sam’s answer' })).toContainText(samAnswer);

  await closePartners(alex, sam);
});

// APP-3: a draft lives in the document, so a reload (or a closed tab) loses nothing.
test('a draft survives a reload', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  await createRoom(alex.page, { yourName: 'Alex', roomName: 'Drafts' });
  await drawCards(alex.page);
  await alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  const draft = 'Half a thought that I want to finish tomorrow';
  await answerBox(alex.page).fill(draft);
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await alex.page.reload();
  const firstCard = alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first();
  await expect(firstCard).toContainText('Your draft is saved');
  await firstCard.click();
  await expect(answerBox(alex.page)).toHaveValue(draft);
  await closePartners(alex);
});

// Local-first: Sam answers with no connection; it syncs when the connection comes back.
test('an answer written offline syncs after reconnecting', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'On the train' });
  await joinRoom(sam.page, link, 'Sam');
  await drawCards(alex.page);
  const samFirst = sam.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first();
  await samFirst.click();

  await sam.context.setOffline(true);
  await expect(syncStatus(sam.page)).toHaveText(/^Offline/);
  const samAnswer = 'SAM-OFFLINE: written in a tunnel, somewhere under the river.';
  await answerBox(sam.page).fill(samAnswer);
  await sam.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(sam.page.getByRole('region', { name: 'Your answer' })).toContainText(samAnswer);
  await expectAccessible(sam.page, 'offline');
  await snap(sam.page, testInfo, '23-offline');

  await alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam hasn’t started yet');

  await sam.context.setOffline(false);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam has answered', { timeout: 30_000 });
  await expect(syncStatus(sam.page)).toHaveText(/^Saved/, { timeout: 30_000 });
  await answerBox(alex.page).fill('ALEX: and I read it on the platform.');
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(samAnswer);

  await closePartners(alex, sam);
});
