import { expect, test } from '@playwright/test';
import { answerBox, createRoom, drawCards, expectAccessible, openPartner, snap, closePartners } from '../fixtures/seen.ts';

// APP-4, APP-5, APP-6, APP-11, APP-12, APP-14: a whole evening together, two partners, one relay.
test('a live session: create, join by link, answer, veil, reveal, respond, check in, history', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');

  await alex.page.goto('/');
  await expectAccessible(alex.page, 'home (first visit)');
  await snap(alex.page, testInfo, '01-home-first-visit');

  await alex.page.getByRole('link', { name: 'Start a room' }).click();
  await expect(alex.page.getByRole('radio', { name: /Weekly ritual/ })).toBeChecked();
  await expectAccessible(alex.page, 'start a room');
  await snap(alex.page, testInfo, '02-start-room');

  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Sunday evenings', mode: 'live' });
  await expect(alex.page.getByText('Nobody else has joined yet')).toBeVisible();
  await alex.page.getByRole('button', { name: 'Show QR code' }).click();
  await expect(alex.page.getByRole('img', { name: 'QR code of the invite link' })).toBeVisible();
  await expectAccessible(alex.page, 'room, waiting for partner');
  await snap(alex.page, testInfo, '03-room-invite-qr');

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

  await drawCards(alex.page);
  await expect(alex.page.getByRole('heading', { name: 'Together, card by card' })).toBeVisible();
  await expect(sam.page.getByRole('heading', { name: 'Together, card by card' })).toBeVisible();
  // Alex joined first, so Alex goes first on card 1 of session 1 (APP-12).
  await expect(alex.page.getByText('You go first on this card')).toBeVisible();
  await expect(sam.page.getByText('Alex goes first on this card')).toBeVisible();
  await expect(sam.page.getByText('Alex is on this card with you')).toBeVisible();

  const alexAnswer = 'ALEX-1: the walk by the river, when we stopped talking and it was fine.';
  await answerBox(alex.page).fill(alexAnswer);
  const samSeesAlex = sam.page.getByRole('region', { name: 'Alex’s answer' });
  await expect(samSeesAlex).toContainText(/Alex is writing…|Alex hasn’t started yet/);
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(samSeesAlex).toContainText('Alex has answered');
  // The veil: Sam cannot read Alex's words before sharing (APP-4).
  await expect(sam.page.getByText(alexAnswer)).toHaveCount(0);
  await expectAccessible(sam.page, 'card with a veiled answer');
  await snap(sam.page, testInfo, '05-live-veiled');

  const samAnswer = 'SAM-1: Saturday breakfast. You made the coffee too strong and I loved it.';
  await answerBox(sam.page).fill(samAnswer);
  await snap(sam.page, testInfo, '06-live-writing');
  await sam.page.getByRole('button', { name: 'Share my answer' }).click();

  // The reveal, side by side on both screens (APP-5).
  await expect(sam.page.getByRole('region', { name: 'Alex’s answer' })).toContainText(alexAnswer);
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText(samAnswer);

  // Responsiveness: a reaction and a "what I heard" (APP-6).
  await alex.page.getByRole('group', { name: 'React to Sam’s answer' }).getByRole('button', { name: 'Thank you' }).click();
  await expect(sam.page.getByText('Alex: Thank you')).toBeVisible();
  await sam.page.getByLabel('What I heard').fill('That quiet can feel like closeness for you, not distance.');
  await sam.page.getByRole('button', { name: 'Share what I heard' }).click();
  await expect(alex.page.getByText('That quiet can feel like closeness for you, not distance.')).toBeVisible();
  await expectAccessible(alex.page, 'revealed card with responses');
  await snap(alex.page, testInfo, '07-live-revealed');
  await snap(sam.page, testInfo, '08-live-revealed-sam');
  // The same screen in the dark theme (prefers-color-scheme), held to the same contrast rules.
  await alex.page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(alex.page, 'revealed card (dark)');
  await snap(alex.page, testInfo, '07-live-revealed-dark');
  await alex.page.emulateMedia({ colorScheme: 'light' });

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

  // History: the session, both answers, the reply and the chart.
  await alex.page.getByRole('link', { name: 'History' }).click();
  await expect(alex.page.getByRole('heading', { name: 'What you’ve shared' })).toBeVisible();
  await expect(alex.page.getByText(samAnswer)).toBeVisible();
  await expect(alex.page.getByText(alexAnswer)).toBeVisible();
  await expect(alex.page.getByRole('img', { name: /Closeness check-ins/ })).toBeVisible();
  await expectAccessible(alex.page, 'history');
  await snap(alex.page, testInfo, '11-history');

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
