import { expect, test } from '@playwright/test';
import { closeSessionWithCheckIns, drawLiveCards, openPairedRoom, revealFirstLiveCard } from '../fixtures/pairedRoom.ts';
import { answerBox, closePartners, createRoom, expectAccessible, openPartner, snap } from '../fixtures/seen.ts';

// APP-4, APP-5, APP-6, APP-7, APP-11, APP-12, APP-14: an evening together, two partners, one relay,
// one step per test. Each test reaches its step through the fixtures in ../fixtures/pairedRoom.ts.

const ROOM = 'Sunday evenings';
const ALEX_ANSWER = 'ALEX-1: the walk by the river, when we stopped talking and it was fine.';
const SAM_ANSWER = 'SAM-1: Saturday breakfast. You made the coffee too strong and I loved it.';
const WHAT_I_HEARD = 'That quiet can feel like closeness for you, not distance.';

test('first visit: the home and start-a-room screens are accessible, and the weekly ritual is the default deck', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  await alex.page.goto('/');
  await expectAccessible(alex.page, 'home (first visit)');
  await snap(alex.page, testInfo, '01-home-first-visit');

  await alex.page.getByRole('link', { name: 'Start a room' }).click();
  await expect(alex.page.getByRole('radio', { name: /Weekly ritual/ })).toBeChecked();
  await expectAccessible(alex.page, 'start a room');
  await snap(alex.page, testInfo, '02-start-room');
  await closePartners(alex);
});

test('a new room waits for the partner and shows the invite link as a QR code', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  await createRoom(alex.page, { yourName: 'Alex', roomName: ROOM, mode: 'live' });
  await expect(alex.page.getByText('Nobody else has joined yet')).toBeVisible();
  await alex.page.getByRole('button', { name: 'Show QR code' }).click();
  await expect(alex.page.getByRole('img', { name: 'QR code of the invite link' })).toBeVisible();
  await expectAccessible(alex.page, 'room, waiting for partner');
  await snap(alex.page, testInfo, '03-room-invite-qr');
  await closePartners(alex);
});

test('joining by link: the join screen names the room and drops the secret from the address; then each sees the other is here', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: ROOM, mode: 'live' });

  await sam.page.goto(link);
  await expect(sam.page.getByRole('heading', { name: 'Join “Sunday evenings”' })).toBeVisible();
  await expect(sam.page).toHaveURL(/\/join$/);
  await expectAccessible(sam.page, 'join');
  await snap(sam.page, testInfo, '04-join');
  await sam.page.getByLabel('Your name').fill('Sam');
  await sam.page.getByRole('button', { name: 'Join the room' }).click();

  // Presence on both sides, in words.
  await expect(alex.page.getByText('Sam is here')).toBeVisible();
  await expect(sam.page.getByText('Alex is here')).toBeVisible();
  await closePartners(alex, sam);
});

test('a live card: the first to join goes first, the partner’s answer stays veiled until you share, then both appear', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: ROOM, mode: 'live' });
  const { alex, sam } = room;
  await drawLiveCards(room);
  // Alex joined first, so Alex goes first on card 1 of session 1 (APP-12).
  await expect(alex.page.getByText('You go first on this card')).toBeVisible();
  await expect(sam.page.getByText('Alex goes first on this card')).toBeVisible();
  await expect(sam.page.getByText('Alex is on this card with you')).toBeVisible();

  await answerBox(alex.page).fill(ALEX_ANSWER);
  const samSeesAlex = sam.page.getByRole('region', { name: 'Alex’s answer' });
  await expect(samSeesAlex).toContainText(/Alex is writing…|Alex hasn’t started yet/);
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(samSeesAlex).toContainText('Alex has answered');
  // The veil: Sam cannot read Alex's words before sharing (APP-4).
  await expect(sam.page.getByText(ALEX_ANSWER)).toHaveCount(0);
  await expectAccessible(sam.page, 'card with a veiled answer');
  await snap(sam.page, testInfo, '05-live-veiled');

  await answerBox(sam.page).fill(SAM_ANSWER);
  await snap(sam.page, testInfo, '06-live-writing');
  await sam.page.getByRole('button', { name: 'Share my answer' }).click();

  // The reveal, side by side on both screens (APP-5).
  await expect(sam.page.getByRole('region', { name: 'Alex’s answer' })).toContainText(ALEX_ANSWER);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(SAM_ANSWER);
  await closePartners(alex, sam);
});

test('after the reveal, a reaction and a “what I heard” reach the partner; the screen is accessible in light and dark', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: ROOM, mode: 'live' });
  const { alex, sam } = room;
  await revealFirstLiveCard(room, { alex: ALEX_ANSWER, sam: SAM_ANSWER });

  // Responsiveness: a reaction and a "what I heard" (APP-6).
  await alex.page.getByRole('group', { name: 'React to Sam’s answer' }).getByRole('button', { name: 'Thank you' }).click();
  await expect(sam.page.getByText('Alex: Thank you')).toBeVisible();
  await sam.page.getByLabel('What I heard').fill(WHAT_I_HEARD);
  await sam.page.getByRole('button', { name: 'Share what I heard' }).click();
  await expect(alex.page.getByText(WHAT_I_HEARD)).toBeVisible();
  await expectAccessible(alex.page, 'revealed card with responses');
  await snap(alex.page, testInfo, '07-live-revealed');
  await snap(sam.page, testInfo, '08-live-revealed-sam');
  // The same screen in the dark theme (prefers-color-scheme), held to the same contrast rules.
  await alex.page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(alex.page, 'revealed card (dark)');
  await snap(alex.page, testInfo, '07-live-revealed-dark');
  await closePartners(alex, sam);
});

test('the next card comes when both are ready and the turn passes; passing a card needs no reason', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: ROOM, mode: 'live' });
  const { alex, sam } = room;
  await revealFirstLiveCard(room, { alex: ALEX_ANSWER, sam: SAM_ANSWER });

  // Next card together (APP-14); the turn passes to Sam (APP-12).
  await alex.page.getByRole('button', { name: 'Ready for the next card' }).click();
  await expect(alex.page.getByText('Waiting for Sam to be ready…')).toBeVisible();
  await sam.page.getByRole('button', { name: 'Ready for the next card' }).click();
  await expect(alex.page.getByText('Sam goes first on this card')).toBeVisible();
  await expect(sam.page.getByText('You go first on this card')).toBeVisible();

  // Passing costs nothing and needs no reason (APP-7).
  await sam.page.getByRole('button', { name: 'Pass this card' }).click();
  await expect(sam.page.getByText('You passed this card.')).toBeVisible();
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('Sam passed this card');
  await closePartners(alex, sam);
});

test('the closing check-in stays private until both answer, then shows both numbers', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: ROOM, mode: 'live' });
  const { alex, sam } = room;
  await drawLiveCards(room);

  // Close with the check-in, private until both answer (APP-11). Finishing early is one quiet click.
  await alex.page.getByRole('button', { name: 'Finish this session early' }).click();
  await alex.page.getByRole('radio', { name: /^6:/ }).check();
  await expect(sam.page.getByText('Alex has checked in. Yours opens both.')).toBeVisible();
  await alex.page.getByRole('button', { name: 'Close session 1' }).click();
  await expect(alex.page.getByText('Session 1 is closed and saved in your history.')).toBeVisible();
  await expect(sam.page.getByText('Alex closed this session.', { exact: false })).toBeVisible();
  await snap(sam.page, testInfo, '09-checkin-pending');
  // Sam's answer completes the pair, so the scale gives way to both numbers at once.
  await sam.page.getByRole('radio', { name: /^5:/ }).click();
  await expect(sam.page.getByRole('heading', { name: 'How close you both felt' })).toBeVisible();
  await expect(alex.page.getByRole('heading', { name: 'How close you both felt' })).toBeVisible();
  await expectAccessible(alex.page, 'check-in revealed');
  await snap(alex.page, testInfo, '10-checkin-revealed');
  await closePartners(alex, sam);
});

test('a closed session is in the history with both answers and the closeness chart', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: ROOM, mode: 'live' });
  const { alex, sam } = room;
  await revealFirstLiveCard(room, { alex: ALEX_ANSWER, sam: SAM_ANSWER });
  await closeSessionWithCheckIns(room, { alex: 6, sam: 5 });

  // History: the session, both answers and the chart.
  await alex.page.getByRole('link', { name: 'History' }).click();
  await expect(alex.page.getByRole('heading', { name: 'What you’ve shared' })).toBeVisible();
  await expect(alex.page.getByText(SAM_ANSWER)).toBeVisible();
  await expect(alex.page.getByText(ALEX_ANSWER)).toBeVisible();
  await expect(alex.page.getByRole('img', { name: /Closeness check-ins/ })).toBeVisible();
  await expectAccessible(alex.page, 'history');
  await snap(alex.page, testInfo, '11-history');
  await closePartners(alex, sam);
});

test('the room’s data screen and the list of rooms are accessible, and the list names the partner', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: ROOM, mode: 'live' });
  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  await expect(alex.page.getByRole('heading', { name: 'Your own cards' })).toBeVisible();
  await expectAccessible(alex.page, 'room and data');
  await snap(alex.page, testInfo, '12-room-and-data');

  await alex.page.getByRole('link', { name: 'Seen — your rooms' }).click();
  await expect(alex.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await expect(alex.page.getByRole('link', { name: /Sunday evenings/ })).toContainText('With Sam');
  await expectAccessible(alex.page, 'your rooms');
  await snap(alex.page, testInfo, '13-your-rooms');
  await alex.page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(alex.page, 'your rooms (dark)');
  await snap(alex.page, testInfo, '13-your-rooms-dark');
  await closePartners(alex, sam);
});
