import { useState, type FormEvent } from 'react';
import type { RoomMode } from '@seen/shared/doc';
import { SHIPPED_DECK_SUMMARIES } from '@seen/shared/deckSummaries';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { navigate, roomPath } from '../../app/router.ts';
import type * as RoomsApi from '../../app/rooms.ts';
import { GROUP_CHOICES } from '../../app/words.ts';

/**
 * Creating a room needs the room document, the crypto and the sync layer: most of the app's code.
 * The page shows without it and starts fetching it once someone begins filling in the form.
 */
type RoomsModule = typeof RoomsApi;
let loadedRooms: RoomsModule | null = null;
const loadRooms = (): Promise<RoomsModule> =>
  import('../../app/rooms.ts').then((module) => {
    loadedRooms = module;
    return module;
  });
/**
 * The new room's first screen waits for its deck's cards: fetching them with the room code means
 * it opens whole right after "Create the room". A failed download is the room screen's to explain.
 */
const loadDecks = (): Promise<unknown> => import('../../app/decks.ts').then((decks) => decks.loadDecks()).catch(() => undefined);
let decksLoaded = false;
const loadEverything = (): Promise<RoomsModule> => Promise.all([loadRooms(), loadDecks().then(() => (decksLoaded = true))]).then(([rooms]) => rooms);

const AUDIENCE_WORDS = { partners: 'For partners', friends: 'For friends', anyone: 'For anyone' } as const;

export function StartScreen() {
  const [yourName, setYourName] = useState('');
  const [roomName, setRoomName] = useState('');
  const decks = SHIPPED_DECK_SUMMARIES;
  const [chosenDeckId, setDeckId] = useState<string | null>(null);
  const deckId = chosenDeckId ?? decks[0]?.id ?? '';
  const [mode, setMode] = useState<RoomMode>('weekly');
  // Who the room is for (APP-24): follows the deck (friends' decks suggest three) until chosen.
  const [chosenGroup, setGroup] = useState<string | null>(null);
  const deckAudience = decks.find((deck) => deck.id === deckId)?.audience;
  const group = GROUP_CHOICES.find((choice) => choice.value === chosenGroup) ?? GROUP_CHOICES.find((choice) => (deckAudience === 'friends' ? choice.size === 3 : choice.partners)) ?? GROUP_CHOICES[0];
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // Pressed before the code that creates rooms (or the decks) arrived: say so, then go on (APP-28).
  const [stillLoading, setStillLoading] = useState(false);

  const nameError = submitted && !yourName.trim() ? 'Add your name so your partner knows it’s you.' : null;
  const roomError = submitted && !roomName.trim() ? 'Give the room a name — anything that means something to you both.' : null;

  const twoOfYou = (group?.size ?? 2) <= 2;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!yourName.trim() || !roomName.trim() || !deckId) {
      (document.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    let rooms: RoomsModule;
    setStillLoading(loadedRooms === null || !decksLoaded);
    try {
      rooms = await loadEverything();
    } catch {
      setFailure('Seen could not download the part of the app that creates rooms. Check your connection and try again; what you typed is still here.');
      setBusy(false);
      return;
    } finally {
      setStillLoading(false);
    }
    try {
      const roomId = await rooms.createNewRoom({ yourName, roomName, deckId, mode, groupSize: group?.size, partners: group?.partners });
      navigate(roomPath(roomId), { replace: true });
    } catch {
      setFailure('The room could not be saved on this device. Your browser may be blocking storage (private windows sometimes do). Try a normal window; what you typed is still here.');
      setBusy(false);
    }
  }

  return (
    <main id="main" tabIndex={-1} className="page">
      <div className="stack stack--tight">
        <p className="eyebrow">New room</p>
        <h1>Start a room</h1>
        <p className="lede">One step. You’ll get a link to send to the people you’re inviting — the key to the room travels inside it.</p>
      </div>
      <form className="panel stack--loose" onSubmit={onSubmit} onFocus={() => void loadEverything().catch(() => undefined)} noValidate>
        <div className="choices choices--two">
          <TextField label="Your name" autoComplete="given-name" maxLength={60} value={yourName} onChange={(e) => setYourName(e.target.value)} error={nameError} placeholder="Alex" />
          <TextField label="Room name" maxLength={80} value={roomName} onChange={(e) => setRoomName(e.target.value)} error={roomError} placeholder="Sunday evenings" />
        </div>

        <fieldset className="stack stack--tight">
          <legend>Deck</legend>
          <div className="choices choices--two">
            {decks.map((deck) => (
              <label key={deck.id} className="choice">
                <input type="radio" name="deck" value={deck.id} checked={deckId === deck.id} onChange={() => setDeckId(deck.id)} />
                <span className="choice__body">
                  <span className="choice__title">{deck.title}</span>
                  <span className="choice__text">{deck.description}</span>
                  <span className="faint">
                    {AUDIENCE_WORDS[deck.audience]} · {deck.promptCount} cards
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <div className="field">
          <label className="field__label" htmlFor="start-group">
            Who it’s for
          </label>
          <select id="start-group" className="select" value={group?.value} onChange={(event) => setGroup(event.target.value)}>
            {GROUP_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>

        <fieldset className="stack stack--tight">
          <legend>How you’ll play</legend>
          <div className="choices choices--two">
            <label className="choice">
              <input type="radio" name="mode" value="weekly" checked={mode === 'weekly'} onChange={() => setMode('weekly')} />
              <span className="choice__body">
                <span className="choice__title">Over the week</span>
                <span className="choice__text">Answer this week’s cards whenever suits you. {twoOfYou ? 'Each answer opens once you’ve both written.' : 'Each answer opens for you once you’ve written yours.'}</span>
              </span>
            </label>
            <label className="choice">
              <input type="radio" name="mode" value="live" checked={mode === 'live'} onChange={() => setMode('live')} />
              <span className="choice__body">
                <span className="choice__title">Together, now</span>
                <span className="choice__text">{twoOfYou ? 'Both' : 'Everyone'} on the same card at the same time, taking turns to go first. You can switch any time.</span>
              </span>
            </label>
          </div>
        </fieldset>

        {failure && <Notice tone="error" title="The room wasn’t created" live>{failure}</Notice>}

        <div className="row row--end">
          <p className="muted" role="status">
            {stillLoading ? 'Still loading — one moment…' : ''}
          </p>
          <Button type="submit" variant="primary" disabled={busy} icon="arrowRight">
            {busy ? 'Creating…' : 'Create the room'}
          </Button>
        </div>
      </form>
    </main>
  );
}
