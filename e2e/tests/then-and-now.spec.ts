import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openPairedRoom, shareAnswer } from '../fixtures/pairedRoom.ts';
import { appendLocalUpdate, buildThenAndNowHistory, readSavedRoom } from '../fixtures/seedHistory.ts';
import { closePartners, expectAccessible, snap, syncStatus } from '../fixtures/seen.ts';

// APP-30: a card answered a hundred days ago comes back ("then and now"). The earlier answers stay
// out of sight until both new answers are in, then show under them on both screens.

const ROOM = 'A hundred days on';
const ALEX_THEN = 'ALEX-THEN: I was scared about the move, more than I said.';
const SAM_THEN = 'SAM-THEN: I wanted us to have one quiet evening a week.';
const ALEX_NOW = 'ALEX-NOW: The move turned out to be the easy part.';
const SAM_NOW = 'SAM-NOW: We have our quiet evening now. I want to keep it.';

// The deck a new room gets by default; read as data (the deck module's JSON imports are the app bundler's).
const deck = JSON.parse(readFileSync(new URL('../../shared/decks/weekly-ritual.json', import.meta.url), 'utf8')) as {
  prompts: { id: string; level: number; text: string }[];
};
const [revisited, ...others] = deck.prompts.filter((prompt) => prompt.level === 1).slice(0, 5);

function revisitedCard(page: Page) {
  return page.getByRole('list', { name: 'Session 2 cards' }).getByRole('button', { name: new RegExp(escapeRegExp(revisited?.text.slice(0, 40) ?? '-')) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('APP-30 then and now: both answers from 100 days ago show after the new reveal, and not before', async ({ browser }, testInfo) => {
  expect(revisited, 'the weekly deck has level-1 cards').toBeDefined();
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: ROOM });
  const alexRoom = await readSavedRoom(alex.page);
  const samRoom = await readSavedRoom(sam.page);
  const history = buildThenAndNowHistory({
    now: Date.now(),
    daysAgo: 100,
    revisited: revisited!.id,
    others: others.map((prompt) => prompt.id),
    answersThen: [
      { memberId: alexRoom.memberId, text: ALEX_THEN },
      { memberId: samRoom.memberId, text: SAM_THEN },
    ],
  });
  // Leave the room so its document store is quiet, write the past into it, and come back.
  for (const [partner, room] of [[alex, alexRoom], [sam, samRoom]] as const) {
    await partner.page.goto('/');
    await appendLocalUpdate(partner.page, room.roomId, history);
    await partner.page.getByRole('link', { name: new RegExp(ROOM) }).click();
    await expect(revisitedCard(partner.page)).toBeVisible();
  }

  // Alex answers first: nothing from back then shows, to Alex or to Sam.
  await revisitedCard(alex.page).click();
  await expect(alex.page.getByText(/^Then and now/)).toBeVisible();
  await shareAnswer(alex.page, ALEX_NOW);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(/Sam hasn’t started yet|Sam is writing/);
  await revisitedCard(sam.page).click();
  await expect(sam.page.getByRole('region', { name: 'Alex’s answer' })).toContainText('Alex has answered');
  for (const page of [alex.page, sam.page]) {
    await expect(page.getByText(ALEX_THEN)).toHaveCount(0);
    await expect(page.getByText(SAM_THEN)).toHaveCount(0);
    await expect(page.getByRole('region', { name: /wrote then/ })).toHaveCount(0);
  }
  await snap(sam.page, testInfo, '60-then-and-now-before');

  // Sam answers: both new answers are open, and under them both answers from a hundred days ago.
  await shareAnswer(sam.page, SAM_NOW);
  await expect(sam.page.getByRole('region', { name: 'Alex’s answer' })).toContainText(ALEX_NOW);
  await expect(sam.page.getByRole('region', { name: 'What you wrote then' })).toContainText(SAM_THEN);
  await expect(sam.page.getByRole('region', { name: 'What Alex wrote then' })).toContainText(ALEX_THEN);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(SAM_NOW);
  await expect(alex.page.getByRole('region', { name: 'What you wrote then' })).toContainText(ALEX_THEN);
  await expect(alex.page.getByRole('region', { name: 'What Sam wrote then' })).toContainText(SAM_THEN);
  await expect(alex.page.getByRole('heading', { name: /^Then · session 1,/ })).toBeVisible();
  await expect(syncStatus(sam.page)).toHaveText(/^Saved/);
  await expectAccessible(sam.page, 'then and now, revealed');
  await snap(sam.page, testInfo, '61-then-and-now-revealed');
  await closePartners(alex, sam);
});
