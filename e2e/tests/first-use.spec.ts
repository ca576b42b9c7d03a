import { expect, test, type Locator, type Page } from '@playwright/test';
import { drawLiveCards, openPairedRoom, shareAnswer } from '../fixtures/pairedRoom.ts';
import { answerBox, closePartners, createRoom, expectAccessible, joinRoom, openPartner, snap } from '../fixtures/seen.ts';

// Smaller things a new user meets on a first evening (APP-26, APP-27, APP-28, APP-29): the turn
// hint, moving on together, a first click that comes too early, and a layout that holds at 390 and
// 1280 px. One step per test, each from the real UI.

const ALEX_ANSWER = 'ALEX-FIRST: the bus stop in the rain, laughing.';
const SAM_ANSWER = 'SAM-FIRST: I went first this time and it felt good.';
/** One unbroken word, longer than a phone is wide. */
const LONG_ROOM_NAME = 'Sundayeveningsbytheriverwithcoffeeandnothingelse';
const LONG_PARTNER_NAME = 'Samantha Josephine Okonkwo-Fairweather';

async function leftEdge(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return Math.round(box.x);
}

async function pageFitsScreen(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

test('APP-26, APP-27: when the partner answers first, "You go first" goes, and the next card waits for both (with a way to move on anyway)', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: 'First evening', mode: 'live' });
  const { alex, sam } = room;
  await drawLiveCards(room);
  await expect(alex.page.getByText('You go first on this card')).toBeVisible();

  // Sam does not wait for the turn: the hint is no longer true, on both screens (APP-26).
  await shareAnswer(sam.page, SAM_ANSWER);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam has answered');
  await expect(alex.page.getByText('You go first on this card')).toHaveCount(0);
  await expect(sam.page.getByText('Alex goes first on this card')).toHaveCount(0);

  // Sam is done, Alex is still writing: no "Ready" yet, only a quiet way on (APP-27).
  await answerBox(alex.page).fill('ALEX-FIRST: the bus');
  await expect(sam.page.getByText('Waiting for Alex to answer or pass — then you can move on together.')).toBeVisible();
  await expect(sam.page.getByRole('button', { name: 'Ready for the next card' })).toHaveCount(0);
  const moveOn = sam.page.getByRole('button', { name: 'Move on without waiting' });
  await expect(moveOn).toBeVisible();
  await expectAccessible(sam.page, 'live card, partner still writing');
  await snap(sam.page, testInfo, '30-live-partner-still-writing');

  // Both have answered: "Ready for the next card" for Alex; Sam, who moved on, waits for Alex.
  await moveOn.click();
  await expect(sam.page.getByText('Waiting for Alex to be ready…')).toBeVisible();
  await answerBox(alex.page).fill(ALEX_ANSWER);
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(SAM_ANSWER);
  await alex.page.getByRole('button', { name: 'Ready for the next card' }).click();
  // Card 2: Sam's turn, and nobody has answered it yet.
  await expect(sam.page.getByText('You go first on this card')).toBeVisible();
  await expect(alex.page.getByText('Sam goes first on this card')).toBeVisible();
  await closePartners(alex, sam);
});

test('APP-27: once both have answered, both are offered "Ready for the next card"', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: 'First evening', mode: 'live' });
  const { alex, sam } = room;
  await drawLiveCards(room);
  await shareAnswer(alex.page, ALEX_ANSWER);
  await expect(alex.page.getByRole('button', { name: 'Move on without waiting' })).toBeVisible();
  await sam.page.getByRole('button', { name: 'Pass this card' }).click();
  for (const partner of [alex, sam]) await expect(partner.page.getByRole('button', { name: 'Ready for the next card' })).toBeVisible();
  await expect(alex.page.getByRole('button', { name: 'Move on without waiting' })).toHaveCount(0);
  await snap(alex.page, testInfo, '31-live-both-answered');
  await closePartners(alex, sam);
});

test('APP-28: "Create the room" pressed before the app has finished loading says so, then creates the room', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  await alex.page.goto('/new');
  await expect(alex.page.getByRole('heading', { name: 'Start a room' })).toBeVisible();
  // A slow network from here on: every script waits until the test lets it through.
  let letThrough: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (letThrough = resolve));
  await alex.page.route('**/assets/*.js', async (route) => {
    await released;
    await route.continue();
  });
  await alex.page.getByLabel('Your name').fill('Alex');
  await alex.page.getByLabel('Room name').fill('Slow evening');
  await alex.page.getByRole('button', { name: 'Create the room' }).click();
  await expect(alex.page.getByRole('status').filter({ hasText: 'Still loading — one moment…' })).toBeVisible();
  await expect(alex.page.getByRole('button', { name: 'Creating…' })).toBeDisabled();
  await snap(alex.page, testInfo, '32-create-still-loading');
  letThrough();
  await expect(alex.page).toHaveURL(/\/r\/[A-Za-z0-9_-]+$/);
  await expect(alex.page.getByLabel('Invite link')).toBeVisible();
  await closePartners(alex);
});

test('APP-29: the brand lines up with the page; a long unbroken room name never widens the join page; "was last active" is never cut short', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const brand = (page: Page) => page.getByRole('link', { name: 'Seen — your rooms' });

  await alex.page.goto('/new');
  await expect(alex.page.getByRole('heading', { name: 'Start a room' })).toBeVisible();
  expect(await leftEdge(brand(alex.page))).toBe(await leftEdge(alex.page.getByRole('heading', { name: 'Start a room' })));

  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: LONG_ROOM_NAME });
  expect(await leftEdge(brand(alex.page))).toBe(await leftEdge(alex.page.locator('.statusline')));

  await sam.page.goto(link);
  await expect(sam.page.getByRole('heading', { level: 1 })).toContainText(LONG_ROOM_NAME);
  const fit = await pageFitsScreen(sam.page);
  expect(fit.scrollWidth, 'the join page is no wider than the screen').toBeLessThanOrEqual(fit.innerWidth);
  await snap(sam.page, testInfo, '33-join-long-room-name');
  await sam.page.getByLabel('Your name').fill(LONG_PARTNER_NAME);
  await sam.page.getByRole('button', { name: 'Join the room' }).click();
  await expect(sam.page).toHaveURL(/\/r\/[A-Za-z0-9_-]+$/);
  await expect(alex.page.getByText(`${LONG_PARTNER_NAME} is here`)).toBeVisible();
  await closePartners(sam);

  // Sam has gone: after a reload Alex's room says when Sam was last active, in full.
  await alex.page.reload();
  const presence = alex.page.locator('.presence');
  await expect(presence).toContainText(`${LONG_PARTNER_NAME} was last active`);
  const cut = await presence.locator('span').last().evaluate((element) => element.scrollWidth > element.clientWidth);
  expect(cut, 'the presence line is not cut short').toBe(false);
  const roomFit = await pageFitsScreen(alex.page);
  expect(roomFit.scrollWidth).toBeLessThanOrEqual(roomFit.innerWidth);
  await expectAccessible(alex.page, 'room with a long name, partner away');
  await snap(alex.page, testInfo, '34-room-partner-last-active');
  await closePartners(alex);
});

test('APP-29: joining on a phone-sized screen keeps headings inside the screen after joining too', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: LONG_ROOM_NAME, mode: 'live' });
  await joinRoom(sam.page, link, 'Sam');
  await expect(sam.page.getByText('Alex is here')).toBeVisible();
  const fit = await pageFitsScreen(sam.page);
  expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
  await snap(sam.page, testInfo, '35-room-long-name');
  await closePartners(alex, sam);
});
