import type { Page } from '@playwright/test';
import { answerBox, closePartners, drawCards, expectAccessible, joinRoom, snap } from '../fixtures/seen.ts';
import { answerAll, createGroupRoom, expect, openFriend, snapFriend, test } from '../fixtures/trio.ts';

// Deep lunch for three (APP-23, APP-24, APP-25), and the same words for two partners so nothing
// regresses. Each test proves one thing; the room set-up is shared through the fixtures in
// e2e/fixtures/trio.ts.

/** What the screen says: its text, minus the choices of a closed select (which name every kind of room). */
async function wordsOnScreen(page: Page): Promise<string> {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    Array.from(clone.querySelectorAll('select')).forEach((select) => select.remove());
    const labels = Array.from(document.querySelectorAll('[aria-label]')).map((element) => element.getAttribute('aria-label'));
    return `${clone.textContent ?? ''} ${labels.join(' ')}`;
  });
}

// Three browsers on two shared cores: the budget is per test and generous, and every wait is bound by
// an event (text appearing), never a sleep.
test.describe.configure({ timeout: 180_000 });

const ANSWERS = {
  Maya: 'MAYA-1: the summer I learned to swim, late and proud of it.',
  Jon: 'JON-1: my grandmother’s kitchen, always too warm.',
  Ines: 'INES-1: the night bus home after my first real job.',
} as const;

test('APP-25: presence and the room speak of three, by name, and never of a partner', async ({ trio }, testInfo) => {
  const { maya, jon, ines } = trio;
  await expect(maya.page.locator('.topbar__title')).toContainText('You, Jon and Ines');
  await expect(jon.page.getByText('Maya and Ines are here')).toBeVisible();
  await expect(ines.page.getByText('Maya and Jon are here')).toBeVisible();
  // Everyone the room is for has joined, so the invite has left "This week" (APP-24).
  for (const friend of trio.all) {
    await expect(friend.page.getByRole('heading', { name: 'Draw your first cards' })).toBeVisible();
    await expect(friend.page.getByRole('heading', { name: /^Invite/ })).toHaveCount(0);
    expect(await wordsOnScreen(friend.page)).not.toMatch(/partner/i);
  }
  await expectAccessible(maya.page, 'room of three, before the cards');
  await snap(maya.page, testInfo, 'dl-01-room-of-three');
});

test('APP-4, APP-5, APP-25: the group veil opens each answer to you once you have shared yours', async ({ trioLive: trio }, testInfo) => {
  const { maya, jon, ines } = trio;
  await expect(jon.page.getByText('Maya goes first on this card')).toBeVisible();
  await expect(jon.page.getByRole('region', { name: 'Ines’s answer' })).toContainText('Each answer opens for you once you’ve shared your own');

  await answerBox(maya.page).fill(ANSWERS.Maya);
  await maya.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(jon.page.getByRole('region', { name: 'Maya’s answer' })).toContainText('Maya has answered');
  await expect(jon.page.getByText(ANSWERS.Maya)).toHaveCount(0);
  await expectAccessible(jon.page, 'group card, veiled');
  await snapFriend(jon, testInfo, 'dl-02-group-veiled');

  // Jon shares: Maya's answer opens for him; Ines's stays veiled because she hasn't shared.
  await answerBox(jon.page).fill(ANSWERS.Jon);
  await jon.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(jon.page.getByRole('region', { name: 'Maya’s answer' })).toContainText(ANSWERS.Maya);
  await expect(jon.page.getByRole('region', { name: 'Ines’s answer' })).toContainText(/Ines (is writing…|hasn’t started yet)/);
  await expect(jon.page.getByText('2 of 3 answers are open.')).toBeAttached();
  await expect(maya.page.getByRole('region', { name: 'Jon’s answer' })).toContainText(ANSWERS.Jon);
  // Ines still reads neither.
  await expect(ines.page.getByText(ANSWERS.Maya)).toHaveCount(0);
  await expect(ines.page.getByText(ANSWERS.Jon)).toHaveCount(0);
  await expect(ines.page.getByRole('region', { name: 'Jon’s answer' })).toContainText('Jon has answered');
  await snap(maya.page, testInfo, 'dl-03-two-of-three-open');

  await answerBox(ines.page).fill(ANSWERS.Ines);
  await ines.page.getByRole('button', { name: 'Share my answer' }).click();
  for (const friend of trio.all) {
    await expect(friend.page.getByText('All three answers are open.')).toBeAttached();
    for (const [name, text] of Object.entries(ANSWERS)) if (name !== friend.name) await expect(friend.page.getByRole('region', { name: `${name}’s answer` })).toContainText(text);
  }
});

test('APP-23: a reaction and a "what I heard" show under the answer they were given to, on every screen', async ({ trioLive: trio }, testInfo) => {
  const { maya, jon, ines } = trio;
  await answerAll(trio, ANSWERS);

  // Ines says "Me too" to Jon's answer.
  await ines.page.getByRole('group', { name: 'React to Jon’s answer' }).getByRole('button', { name: 'Me too' }).click();
  await expect(ines.page.getByRole('group', { name: 'React to Jon’s answer' }).getByRole('button', { name: 'Me too' })).toHaveAttribute('aria-pressed', 'true');
  await expect(ines.page.getByRole('group', { name: 'React to Maya’s answer' }).getByRole('button', { name: 'Me too' })).toHaveAttribute('aria-pressed', 'false');
  await expect(jon.page.getByRole('region', { name: 'Your answer' })).toContainText('Ines: Me too');
  await expect(maya.page.getByRole('region', { name: 'Jon’s answer' })).toContainText('Ines: Me too');
  await expect(maya.page.getByRole('region', { name: 'Your answer' })).not.toContainText('Ines: Me too');

  // Maya says what she heard in Ines's answer.
  const heard = 'That leaving home can feel like arriving.';
  const inesAnswerOnMaya = maya.page.getByRole('region', { name: 'Ines’s answer' });
  await inesAnswerOnMaya.getByRole('button', { name: 'Say what you heard' }).click();
  await inesAnswerOnMaya.getByLabel('What I heard in Ines’s answer').fill(heard);
  await inesAnswerOnMaya.getByRole('button', { name: 'Share what I heard' }).click();
  await expect(inesAnswerOnMaya.getByRole('region', { name: 'What you heard in Ines’s answer' })).toContainText(heard);
  await expect(ines.page.getByRole('region', { name: 'Your answer' })).toContainText(`What Maya heard${heard}`);
  await expect(jon.page.getByRole('region', { name: 'Ines’s answer' })).toContainText(heard);
  await expect(jon.page.getByRole('region', { name: 'Your answer' })).not.toContainText(heard);
  await expect(jon.page.getByRole('region', { name: 'Maya’s answer' })).not.toContainText(heard);

  // Jon answers Ines's reaction with one of his own, to her answer only.
  await jon.page.getByRole('group', { name: 'React to Ines’s answer' }).getByRole('button', { name: 'Thank you' }).click();
  await expect(ines.page.getByRole('region', { name: 'Your answer' })).toContainText('Jon: Thank you');
  await expect(maya.page.getByRole('region', { name: 'Your answer' })).not.toContainText('Jon: Thank you');

  for (const friend of trio.all) await expectAccessible(friend.page, `group card with responses (${friend.name})`);
  await snap(maya.page, testInfo, 'dl-04-group-revealed');
  await snapFriend(jon, testInfo, 'dl-04-group-revealed');
  await snapFriend(ines, testInfo, 'dl-04-group-revealed');
  await maya.page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(maya.page, 'group card (dark)');
  await snap(maya.page, testInfo, 'dl-04-group-revealed-dark');
});

test('APP-14, APP-7: the next card comes once all three are ready; a pass is shown as a pass', async ({ trioLive: trio }, testInfo) => {
  const { maya, jon, ines } = trio;
  await answerAll(trio, ANSWERS);
  await maya.page.getByRole('button', { name: 'Ready for the next card' }).click();
  await jon.page.getByRole('button', { name: 'Ready for the next card' }).click();
  await expect(maya.page.getByText('Waiting for Ines to be ready…')).toBeVisible();
  await ines.page.getByRole('button', { name: 'Ready for the next card' }).click();
  // Card 2: the turn passes to Jon (APP-12).
  await expect(maya.page.getByText('Jon goes first on this card')).toBeVisible();
  await expect(ines.page.getByText('Jon goes first on this card')).toBeVisible();
  await expect(jon.page.getByText('You go first on this card')).toBeVisible();

  await ines.page.getByRole('button', { name: 'Pass this card' }).click();
  await expect(ines.page.getByText('Answers from Maya and Jon stay veiled unless you answer after all.')).toBeVisible();
  await expect(maya.page.getByRole('region', { name: 'Ines’s answer' })).toContainText('Ines passed this card');
  for (const friend of [maya, jon]) {
    await answerBox(friend.page).fill(`${friend.name}-2: a second answer.`);
    await friend.page.getByRole('button', { name: 'Share my answer' }).click();
  }
  await expect(maya.page.getByRole('region', { name: 'Jon’s answer' })).toContainText('Jon-2: a second answer.');
  await expect(maya.page.getByRole('region', { name: 'Ines’s answer' })).toContainText('Ines passed this card');
  await snapFriend(ines, testInfo, 'dl-05-passed');

  // Over the week, the card's chip says who answered and who passed, never "Both answered".
  await maya.page.getByRole('radio', { name: 'Over the week' }).check();
  const second = maya.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').nth(1);
  await expect(second).toContainText('Jon answered · Ines passed');
  await expect(maya.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first()).toContainText('All three answered · open');
  await expectAccessible(maya.page, 'weekly list for three');
  await snap(maya.page, testInfo, 'dl-06-weekly-chips');
});

test('APP-11: check-ins stay private until all three have answered', async ({ trioLive: trio }, testInfo) => {
  const { maya, jon, ines } = trio;
  await maya.page.getByRole('button', { name: 'Finish this session early' }).click();
  await expect(maya.page.getByText('One last question, just for the three of you.', { exact: false })).toBeVisible();
  await maya.page.getByRole('radio', { name: /^6:/ }).check();
  await expect(jon.page.getByText('Maya has checked in', { exact: false }).or(jon.page.getByText('Ines hasn’t checked in yet.'))).toBeVisible();
  await jon.page.getByRole('radio', { name: /^5:/ }).check();
  await expect(ines.page.getByText('Maya and Jon have checked in. Yours opens all three.')).toBeVisible();
  await expect(maya.page.getByText('Ines hasn’t checked in yet.')).toBeVisible();
  // Nobody sees a number before the last one is in.
  for (const friend of trio.all) await expect(friend.page.locator('.checkin-result')).toHaveCount(0);
  await snapFriend(ines, testInfo, 'dl-07-checkin-pending');
  // The last check-in replaces the scale with everyone's numbers at once, so click (not check()).
  await ines.page.getByRole('radio', { name: /^4:/ }).click();
  for (const friend of trio.all) await expect(friend.page.locator('.checkin-result')).toContainText(/6.*5.*4/);
  await maya.page.getByRole('button', { name: 'Close session 1' }).click();
  await expect(maya.page.getByRole('heading', { name: 'How close you all felt' })).toBeVisible();
  await expect(maya.page.locator('.checkin-result')).toContainText('Jon');
  await expectAccessible(maya.page, 'check-in revealed for three');
  await snap(maya.page, testInfo, 'dl-08-checkin-revealed');
});

test('APP-24: the link stays offered until the third friend joins, and sealing is offered only then', async ({ browser }, testInfo) => {
  const maya = await openFriend(browser, testInfo, 'Maya', 'project');
  const jon = await openFriend(browser, testInfo, 'Jon', 'phone');
  const ines = await openFriend(browser, testInfo, 'Ines', 'desktop');
  // A friends' deck suggests a room for three.
  await maya.page.goto('/new');
  await maya.page.getByRole('radio', { name: /Deep lunch/ }).check();
  await expect(maya.page.getByLabel('Who it’s for')).toHaveValue('3-friends');
  await expectAccessible(maya.page, 'start a room, who it is for');
  await snap(maya.page, testInfo, 'dl-00-start-for-three');
  const link = await createGroupRoom(maya.page, { yourName: 'Maya', roomName: 'Thursday lunch', deck: 'Deep lunch', group: 'Three friends' });
  await expect(maya.page.getByRole('heading', { name: 'Invite two friends' })).toBeVisible();
  await expect(maya.page.getByText('send it only to the two friends still to join', { exact: false })).toBeVisible();
  await snap(maya.page, testInfo, 'dl-09-invite-two-friends');

  await joinRoom(jon.page, link, 'Jon');
  await expect(maya.page.getByText('Jon is here')).toBeVisible();
  // One friend in: the link is still on "This week", for the one still to come.
  await expect(maya.page.getByRole('heading', { name: 'Invite one more friend' })).toBeVisible();
  await expect(jon.page.getByRole('heading', { name: 'Invite one more friend' })).toBeVisible();
  await expect(maya.page.getByText('send it only to the friend still to join', { exact: false })).toBeVisible();
  await expectAccessible(maya.page, 'invite, one more friend');
  await snap(maya.page, testInfo, 'dl-10-invite-one-more');

  await maya.page.getByRole('link', { name: 'Room & data' }).click();
  const seal = maya.page.getByRole('region', { name: 'Seal the room' });
  await expect(seal).toContainText('Two of the three people this room is for have joined.');
  await expect(seal.getByRole('button', { name: 'Seal the room' })).toHaveCount(0);
  await expect(maya.page.getByLabel('People in this room')).toHaveValue('3-friends');
  await expectAccessible(maya.page, 'room and data, two of three');
  await snap(maya.page, testInfo, 'dl-11-seal-waiting');

  await joinRoom(ines.page, link, 'Ines');
  await expect(seal).toContainText('Now all three of you are in, sealing stops anyone else');
  await seal.getByRole('button', { name: 'Seal the room' }).click();
  await maya.page.getByRole('dialog').getByRole('button', { name: 'Seal it' }).click();
  await expect(maya.page.getByRole('heading', { name: 'The room is sealed' })).toBeVisible();
  // The third friend is in, and stays in after the seal.
  await ines.page.reload();
  await expect(ines.page.getByText('Maya and Jon are here')).toBeVisible();
  await expect(ines.page.getByRole('heading', { name: /^Invite/ })).toHaveCount(0);
  await snap(maya.page, testInfo, 'dl-12-sealed-for-three');
  await closePartners(maya, jon, ines);
});

test('APP-25: two partners keep their words — partner, both, and sealing once you’re both in', async ({ browser }, testInfo) => {
  const alex = await openFriend(browser, testInfo, 'Alex', 'project');
  const sam = await openFriend(browser, testInfo, 'Sam', 'phone');
  const link = await createGroupRoom(alex.page, { yourName: 'Alex', roomName: 'Sunday evenings', deck: 'Weekly ritual', group: 'Two partners', mode: 'live' });
  await expect(alex.page.getByRole('heading', { name: 'Invite your partner' })).toBeVisible();
  await expect(alex.page.getByText('send it only to your partner', { exact: false })).toBeVisible();
  await joinRoom(sam.page, link, 'Sam');
  await expect(alex.page.getByText('Sam is here')).toBeVisible();
  await expect(alex.page.locator('.topbar__title')).toContainText('You and Sam');
  await expect(alex.page.getByRole('heading', { name: /^Invite/ })).toHaveCount(0);

  await drawCards(alex.page);
  await expect(sam.page.getByRole('region', { name: 'Alex’s answer' })).toContainText('Answers stay veiled until you’ve both shared');
  await sam.page.getByRole('button', { name: 'Pass this card' }).click();
  await expect(sam.page.getByText('Your partner’s answer stays veiled unless you answer after all.')).toBeVisible();
  await sam.page.getByRole('button', { name: 'Answer after all' }).click();
  for (const [partner, text] of [[alex, 'ALEX: the river.'], [sam, 'SAM: the coffee.']] as const) {
    await answerBox(partner.page).fill(text);
    await partner.page.getByRole('button', { name: 'Share my answer' }).click();
  }
  await expect(alex.page.getByText('Both answers are open.')).toBeAttached();
  // Two people keep the side-by-side layout with the reaction words written out.
  await expect(alex.page.getByRole('group', { name: 'React to Sam’s answer' }).getByRole('button', { name: 'Thank you' })).toContainText('Thank you');
  await expect(alex.page.getByLabel('What I heard')).toBeVisible();

  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  const seal = alex.page.getByRole('region', { name: 'Seal the room' });
  await expect(seal).toContainText('Once you’re both in, sealing stops anyone else');
  await expect(seal.getByRole('button', { name: 'Seal the room' })).toBeVisible();
  await expect(alex.page.getByLabel('People in this room')).toHaveValue('2-partners');
  await closePartners(alex, sam);
});

test('APP-25: a room for two friends never says "partner"', async ({ browser }, testInfo) => {
  const lea = await openFriend(browser, testInfo, 'Lea', 'project');
  const kit = await openFriend(browser, testInfo, 'Kit', 'desktop');
  const link = await createGroupRoom(lea.page, { yourName: 'Lea', roomName: 'Lunch for two', deck: 'Deep lunch', group: 'Two friends', mode: 'live' });
  await expect(lea.page.getByRole('heading', { name: 'Invite one friend' })).toBeVisible();
  await joinRoom(kit.page, link, 'Kit');
  await expect(lea.page.getByText('Kit is here')).toBeVisible();
  await drawCards(lea.page);
  await lea.page.getByRole('button', { name: 'Pass this card' }).click();
  await expect(lea.page.getByText('Kit’s answer stays veiled unless you answer after all.')).toBeVisible();
  for (const friend of [lea, kit]) expect(await wordsOnScreen(friend.page)).not.toMatch(/partner/i);
  await lea.page.getByRole('link', { name: 'Room & data' }).click();
  await expect(lea.page.getByRole('heading', { name: 'Who this room is for' })).toBeVisible();
  expect(await wordsOnScreen(lea.page)).not.toMatch(/partner/i);
  await snap(lea.page, testInfo, 'dl-13-two-friends-room-and-data');
  await closePartners(lea, kit);
});

test('SEALED-12: a friend who joins mid-session starts with the next one; the two who drew see each other without waiting', async ({ trioLate: trio }, testInfo) => {
  const { maya, jon, ines } = trio;
  const MAYA = 'MAYA-EARLY: the lake, before anyone else was up.';
  const JON = 'JON-EARLY: a bakery on a street I can no longer find.';
  await answerBox(maya.page).fill(MAYA);
  await maya.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(jon.page.getByRole('region', { name: 'Maya’s answer' })).toContainText('Maya has answered');

  // Ines joins while the session is open: a notice instead of answer boxes, and nothing of theirs.
  await joinRoom(ines.page, trio.link, 'Ines');
  await expect(maya.page.getByText('Jon and Ines are here')).toBeVisible();
  await expect(ines.page.getByRole('heading', { name: 'You joined during this session' })).toBeVisible();
  await expect(ines.page.getByText('You’ll start with the next one — the cards Maya drew before you came stay between the two of them.', { exact: false })).toBeVisible();
  await expect(ines.page.getByText('When Maya and Jon close it, the next cards are for all three of you.', { exact: false })).toBeVisible();
  await expect(answerBox(ines.page)).toHaveCount(0);
  await expect(ines.page.getByRole('button', { name: 'Share my answer' })).toHaveCount(0);
  await expect(ines.page.getByRole('button', { name: 'Finish this session early' })).toHaveCount(0);
  await expect(ines.page.getByText(MAYA)).toHaveCount(0);
  await expectAccessible(ines.page, 'joined during a session');
  await snapFriend(ines, testInfo, 'dl-14-joined-during-session');

  // Jon shares: both answers open for the two of them at once, nobody waits for Ines.
  await answerBox(jon.page).fill(JON);
  await jon.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(jon.page.getByRole('region', { name: 'Maya’s answer' })).toContainText(MAYA);
  await expect(maya.page.getByRole('region', { name: 'Jon’s answer' })).toContainText(JON);
  for (const friend of [maya, jon]) {
    await expect(friend.page.getByText('Both answers are open.')).toBeAttached();
    await expect(friend.page.getByRole('region', { name: 'Ines’s answer' })).toHaveCount(0);
    await expect(friend.page.getByRole('button', { name: 'Ready for the next card' })).toBeVisible();
  }
  await expect(ines.page.getByText(MAYA)).toHaveCount(0);
  await expect(ines.page.getByText(JON)).toHaveCount(0);
  await expectAccessible(maya.page, 'two of three at the table, both open');
  await snap(maya.page, testInfo, 'dl-15-two-at-the-table');

  // The live card moves once the two are ready, and the turn passes between them.
  await maya.page.getByRole('button', { name: 'Ready for the next card' }).click();
  await jon.page.getByRole('button', { name: 'Ready for the next card' }).click();
  await expect(maya.page.getByText('Jon goes first on this card')).toBeVisible();
  await expect(jon.page.getByText('You go first on this card')).toBeVisible();
  await expect(ines.page.getByRole('heading', { name: 'You joined during this session' })).toBeVisible();

  // The check-in is theirs too: for the two of them, and Ines is never asked.
  await maya.page.getByRole('button', { name: 'Finish this session early' }).click();
  await expect(maya.page.getByText('One last question, just for the two of you.', { exact: false })).toBeVisible();
  await maya.page.getByRole('radio', { name: /^6:/ }).check();
  await expect(jon.page.getByText('Maya has checked in. Yours opens both.')).toBeVisible();
  await jon.page.getByRole('radio', { name: /^5:/ }).click();
  await expect(maya.page.locator('.checkin-result')).toContainText(/6.*5/);
  await expect(ines.page.getByRole('radio', { name: /^5:/ })).toHaveCount(0);
  await maya.page.getByRole('button', { name: 'Close session 1' }).click();

  // Ines starts with the next session: no check-in for a session she wasn't in, and the history says why it is quiet.
  await expect(ines.page.getByRole('heading', { name: 'Ready for this week’s cards?' })).toBeVisible();
  await expect(ines.page.getByRole('radio', { name: /^5:/ })).toHaveCount(0);
  await ines.page.getByRole('link', { name: 'History' }).click();
  await expect(ines.page.getByText('Before you joined', { exact: true })).toBeVisible();
  await expect(ines.page.getByText('This session was drawn before you joined, so what was said in it stays between Maya and Jon.')).toBeVisible();
  await expect(ines.page.getByText(MAYA)).toHaveCount(0);
  await expectAccessible(ines.page, 'history, a session from before joining');
  await snapFriend(ines, testInfo, 'dl-16-history-before-joining');
  await ines.page.getByRole('link', { name: 'This week' }).click();
  await drawCards(maya.page);
  await expect(ines.page.getByRole('heading', { name: 'Together, card by card' })).toBeVisible();
  await expect(answerBox(ines.page)).toBeVisible();
  await expect(ines.page.getByText('Jon goes first on this card')).toBeVisible();
});
