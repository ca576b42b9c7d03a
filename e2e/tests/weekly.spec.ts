import { expect, test, type Page } from '@playwright/test';
import { answerFirstWeeklyCard, openPairedRoom, shareAnswer } from '../fixtures/pairedRoom.ts';
import { answerBox, closePartners, createRoom, drawCards, expectAccessible, joinRoom, openPartner, snap, syncStatus } from '../fixtures/seen.ts';

// The weekly ritual apart (APP-4, APP-5, APP-3): answers whenever, reveal when both have written.
// Alex answers and leaves; Sam answers later and sees both; Alex returns to Sam's answer. One step
// per test, each reached through ../fixtures/pairedRoom.ts.

const ROOM = 'Our weekly walk';
const ALEX_ANSWER = 'ALEX-WEEKLY: I felt proud of us on Tuesday, and I didn’t say it.';
const SAM_ANSWER = 'SAM-WEEKLY: Tuesday too. I noticed you noticed.';

function firstCard(page: Page) {
  return page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first();
}

test('weekly: five cards wait; Alex’s shared answer waits for Sam and is on the relay before Alex leaves', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: ROOM });
  await sam.page.close();

  await drawCards(alex.page);
  await expect(alex.page.getByRole('heading', { name: 'This week’s cards' })).toBeVisible();
  await expect(alex.page.getByText('5 cards wait for you')).toBeVisible();
  await expectAccessible(alex.page, 'weekly card list');
  await snap(alex.page, testInfo, '20-weekly-list');

  await firstCard(alex.page).click();
  await shareAnswer(alex.page, ALEX_ANSWER);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam hasn’t started yet');
  await expectAccessible(alex.page, 'weekly card, waiting for partner');
  await snap(alex.page, testInfo, '21-weekly-waiting-for-partner');
  await alex.page.getByRole('button', { name: 'All cards' }).click();
  await expect(firstCard(alex.page)).toContainText('Waiting for Sam');
  // Everything is on the relay before Alex closes the tab.
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await closePartners(alex, sam);
});

test('weekly: Sam, opening the room later from “Your rooms”, finds Alex’s answer veiled, answers, and sees both', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: ROOM });
  await sam.page.close();
  await answerFirstWeeklyCard(alex.page, ALEX_ANSWER);
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await alex.page.close();

  // Later: Sam opens the room from "Your rooms".
  const samLater = await sam.context.newPage();
  await samLater.goto('/');
  await samLater.getByRole('link', { name: /Our weekly walk/ }).click();
  await expect(firstCard(samLater)).toContainText('Alex answered · waiting for you');
  await firstCard(samLater).click();
  await expect(samLater.getByRole('region', { name: 'Alex’s answer' })).toContainText('Alex has answered');
  await expect(samLater.getByText(ALEX_ANSWER)).toHaveCount(0);
  await shareAnswer(samLater, SAM_ANSWER);
  await expect(samLater.getByRole('region', { name: 'Alex’s answer' })).toContainText(ALEX_ANSWER);
  await expect(samLater.getByRole('region', { name: 'Your answer' })).toContainText(SAM_ANSWER);
  await expect(syncStatus(samLater)).toHaveText(/^Saved/);
  await snap(samLater, testInfo, '22-weekly-revealed');
  await closePartners(alex, sam);
});

test('weekly: Alex comes back to find both answered and Sam’s answer open', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: ROOM });
  await answerFirstWeeklyCard(alex.page, ALEX_ANSWER);
  await alex.page.close();
  await firstCard(sam.page).click();
  await shareAnswer(sam.page, SAM_ANSWER);
  await expect(sam.page.getByRole('region', { name: 'Alex’s answer' })).toContainText(ALEX_ANSWER);
  await expect(syncStatus(sam.page)).toHaveText(/^Saved/);

  // Alex comes back and finds Sam's answer open.
  const alexLater = await alex.context.newPage();
  await alexLater.goto('/');
  await alexLater.getByRole('link', { name: /Our weekly walk/ }).click();
  await expect(firstCard(alexLater)).toContainText('Both answered · open');
  await firstCard(alexLater).click();
  await expect(alexLater.getByRole('region', { name: 'Sam’s answer' })).toContainText(SAM_ANSWER);
  await closePartners(alex, sam);
});

// APP-3: a draft lives in the document, so a reload (or a closed tab) loses nothing.
test('a draft survives a reload', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  await createRoom(alex.page, { yourName: 'Alex', roomName: 'Drafts' });
  await drawCards(alex.page);
  await firstCard(alex.page).click();
  const draft = 'Half a thought that I want to finish tomorrow';
  await answerBox(alex.page).fill(draft);
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await alex.page.reload();
  await expect(firstCard(alex.page)).toContainText('Your draft is saved');
  await firstCard(alex.page).click();
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
  await firstCard(sam.page).click();

  await sam.context.setOffline(true);
  await expect(syncStatus(sam.page)).toHaveText(/^Offline/);
  const samAnswer = 'SAM-OFFLINE: written in a tunnel, somewhere under the river.';
  await shareAnswer(sam.page, samAnswer);
  await expect(sam.page.getByRole('region', { name: 'Your answer' })).toContainText(samAnswer);
  await expectAccessible(sam.page, 'offline');
  await snap(sam.page, testInfo, '23-offline');

  await firstCard(alex.page).click();
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam hasn’t started yet');

  await sam.context.setOffline(false);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam has answered', { timeout: 30_000 });
  await expect(syncStatus(sam.page)).toHaveText(/^Saved/, { timeout: 30_000 });
  await shareAnswer(alex.page, 'ALEX: and I read it on the platform.');
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(samAnswer);

  await closePartners(alex, sam);
});
