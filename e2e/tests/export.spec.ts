import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { answerBox, createRoom, drawCards, joinRoom, openPartner, closePartners } from '../fixtures/seen.ts';

// APP-17: the export is made on the device and holds both (revealed) answers.
test('export contains both answers, as Markdown and as JSON', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Keepsakes' });
  await joinRoom(sam.page, link, 'Sam');
  await drawCards(alex.page);

  for (const [partner, text] of [
    [alex, 'ALEX-EXPORT: the smell of your coat in winter'],
    [sam, 'SAM-EXPORT: how you hum while cooking'],
  ] as const) {
    await partner.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
    await answerBox(partner.page).fill(text);
    await partner.page.getByRole('button', { name: 'Share my answer' }).click();
  }
  await expect(alex.page.getByRole('region', { name: 'Sam’s answer' })).toContainText('SAM-EXPORT');

  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  const [markdown] = await Promise.all([alex.page.waitForEvent('download'), alex.page.getByRole('button', { name: 'Export as Markdown' }).click()]);
  expect(markdown.suggestedFilename()).toMatch(/^seen-keepsakes-\d{4}-\d{2}-\d{2}\.md$/);
  const md = await readFile(await markdown.path(), 'utf8');
  expect(md).toContain('# Keepsakes');
  expect(md).toContain('ALEX-EXPORT: the smell of your coat in winter');
  expect(md).toContain('SAM-EXPORT: how you hum while cooking');

  const [json] = await Promise.all([alex.page.waitForEvent('download'), alex.page.getByRole('button', { name: 'Export as JSON' }).click()]);
  const data = JSON.parse(await readFile(await json.path(), 'utf8')) as { format: string; sessions: { cards: { answers: { name: string; text: string | null }[] }[] }[] };
  expect(data.format).toBe('seen-room-export');
  const answers = data.sessions[0]?.cards[0]?.answers.map((answer) => [answer.name, answer.text]);
  expect(answers).toEqual([
    ['Alex', 'ALEX-EXPORT: the smell of your coat in winter'],
    ['Sam', 'SAM-EXPORT: how you hum while cooking'],
  ]);

  await closePartners(alex, sam);
});
