import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { closePartners, createRoom, expectAccessible, openPartner, snap } from '../fixtures/seen.ts';

// APP-31: a room's weekly ritual time. Alex sets Sundays at 19:00, downloads the calendar file (no
// key in it), and, once Sunday 19:00 has come, opening the room draws that week's cards by itself.
// The browser's clock is Playwright's, set to a Sunday afternoon.

const SUNDAY_AFTERNOON = new Date(2026, 11, 6, 17, 30);
const SUNDAY_EVENING = new Date(2026, 11, 6, 19, 5);

test('APP-31 ritual: set Sundays at 19:00, add it to a calendar without the key, and the cards draw themselves from 19:00', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  await alex.context.clock.install({ time: SUNDAY_AFTERNOON });
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Sunday evenings' });
  const secret = link.split('#k=')[1] ?? '';
  expect(secret).not.toBe('');

  await alex.page.getByRole('button', { name: 'Set a weekly time' }).click();
  await alex.page.getByLabel('Day', { exact: true }).selectOption({ label: 'Sunday' });
  await alex.page.getByLabel('Time', { exact: true }).fill('19:00');
  await expectAccessible(alex.page, 'ritual form');
  await snap(alex.page, testInfo, '70-ritual-form');
  await alex.page.getByRole('button', { name: 'Save the time' }).click();
  await expect(alex.page.getByRole('heading', { name: 'Your ritual is on Sunday at 19:00' })).toBeVisible();
  // Before 19:00 nothing is drawn.
  await expect(alex.page.getByRole('button', { name: 'Draw the cards' })).toBeVisible();
  await expectAccessible(alex.page, 'ritual set');
  await snap(alex.page, testInfo, '71-ritual-set');

  const downloadPromise = alex.page.waitForEvent('download');
  await alex.page.getByRole('button', { name: 'Add to calendar' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('seen-weekly-ritual.ics');
  const ics = readFileSync((await download.path())!, 'utf8');
  const unfolded = ics.replace(/\r?\n[ \t]/g, '');
  expect(unfolded).toContain('RRULE:FREQ=WEEKLY;BYDAY=SU');
  expect(unfolded).toMatch(/DTSTART:20261206T190000\r?\n/);
  for (const forbidden of [secret, '#k=', '/join', '/r/']) expect(unfolded).not.toContain(forbidden);

  // Sunday, 19:05: opening the room draws this week's cards.
  await alex.context.clock.setSystemTime(SUNDAY_EVENING);
  await alex.page.reload();
  await expect(alex.page.getByRole('heading', { name: 'This week’s cards' })).toBeVisible();
  await expect(alex.page.getByText(/^Session 1 · started/)).toBeVisible();
  await snap(alex.page, testInfo, '72-ritual-drawn');
  await closePartners(alex);
});
