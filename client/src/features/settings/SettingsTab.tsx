import { useState, type FormEvent } from 'react';
import { readRoomRecord, type Level } from '@seen/shared/doc';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { TextArea, TextField } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Segmented } from '../../components/Segmented.tsx';
import { KIND_NAMES, LEVEL_NAMES, type PromptKind } from '../../app/decks.ts';
import type { RoomActions } from '../../app/roomActions.ts';
import { deleteRoomForEveryone, leaveRoom, noteFarewell } from '../../app/rooms.ts';
import { navigate } from '../../app/router.ts';
import { existingVault } from '../../app/answerRelease.ts';
import type { RoomView } from '../../app/roomView.ts';
import { GROUP_CHOICES, listNames, plural, sealAdvice } from '../../app/words.ts';
import type { RoomSession, SessionStatus } from '@seen/sync';
import { InvitePanel } from '../invite/InvitePanel.tsx';
import { NudgeSwitch } from '../nudges/NudgeSwitch.tsx';
import { SealingPanel } from './SealingPanel.tsx';

const MODE_OPTIONS = [
  { value: 'weekly', label: 'Over the week' },
  { value: 'live', label: 'Together now' },
] as const;

const LEVEL_TEXT: Record<Level, string> = {
  1: 'Light, everyday openings. A good place to start and to come back to.',
  2: 'Feelings, needs and the things you don’t usually say out loud.',
  3: 'The tender places: fears, hopes, what you hide. For when you feel safe together.',
};

export interface SettingsTabProps {
  readonly session: RoomSession;
  readonly view: RoomView;
  readonly actions: RoomActions;
  readonly inviteLink: string;
  /** The link for one more device of this member, around a one-time admission ticket (SEALED-21). */
  readonly deviceLink: (ticket: Uint8Array) => string;
  readonly status: SessionStatus;
  /** The other members' names, in the room's order. */
  readonly others: readonly string[];
}

export function SettingsTab({ session, view, actions, inviteLink, deviceLink, status, others }: SettingsTabProps) {
  const me = view.me;
  const myLevel: Level = (me && view.depth.consent[me.id]) || 1;

  return (
    <div className="stack stack--loose">
      <div className="stack stack--tight">
        <p className="eyebrow">Room &amp; data</p>
        <h1>{view.room.name}</h1>
      </div>
      <div className="settings-grid">
        <div className="stack stack--loose">
          <InvitePanel link={inviteLink} prominent={!view.group.full} group={view.group} joined={view.members.length} />
          <SealPanel session={session} status={status} hasPartner={view.others.length > 0} joined={view.members.length} size={view.group.size} />
          <GroupPanel view={view} actions={actions} />

          <section className="panel" aria-labelledby="play-title">
            <h2 id="play-title">How you play</h2>
            <Segmented legend="Mode" options={MODE_OPTIONS} value={view.room.mode} onChange={(mode) => actions.setMode(mode)} />
            <fieldset className="stack stack--tight">
              <legend>How deep you’re open to go</legend>
              <p className="field__hint">
                The room draws from the deepest level you’ve <em>{view.members.length > 2 ? 'all' : 'both'}</em> chosen — now {LEVEL_NAMES[view.depth.roomLevel].toLowerCase()}. You can step back any time, and it takes effect at once.
              </p>
              <div className="choices">
                {([1, 2, 3] as const).map((level) => (
                  <label key={level} className="choice">
                    <input type="radio" name="depth" value={level} checked={myLevel === level} onChange={() => actions.setDepth(level)} />
                    <span className="choice__body">
                      <span className="choice__title">{LEVEL_NAMES[level]}</span>
                      <span className="choice__text">{LEVEL_TEXT[level]}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          </section>

          <NamesPanel view={view} actions={actions} />
        </div>

        <div className="stack stack--loose">
          <OwnCardsPanel view={view} actions={actions} />
          <SealingPanel session={session} others={others} escrowDays={view.room.escrowDays} onEscrowDays={(days) => actions.setEscrowDays(days)} deviceLink={deviceLink} />
          <NudgeSwitch session={session} others={others} />
          <DataPanel session={session} view={view} />
        </div>
      </div>
    </div>
  );
}

function SealPanel({ session, status, hasPartner, joined, size }: { session: RoomSession; status: SessionStatus; hasPartner: boolean; joined: number; size: number }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (!hasPartner) return null;
  return (
    <section className="panel panel--sunk" aria-labelledby="seal-title">
      <h2 id="seal-title">{status.sealed ? 'The room is sealed' : 'Seal the room'}</h2>
      <p className="muted">
        {status.sealed
          ? 'Only the devices already in the room can open it. A leaked link no longer gets anyone in; a new phone of yours gets in with a device link (“Add a device of yours”, under your devices).'
          : sealAdvice({ joined, size })}
      </p>
      {failed && (
        <Notice tone="error" title="The room wasn’t sealed" live>
          The server couldn’t be reached. Try again when you’re online.
        </Notice>
      )}
      {/* Offered only once everyone is in, so sealing never locks out a friend still to join (APP-24). */}
      {!status.sealed && joined >= size && (
        <div>
          <Button icon="lock" disabled={busy} onClick={() => setConfirming(true)}>
            Seal the room
          </Button>
        </div>
      )}
      <Dialog open={confirming} title="Seal this room?" onClose={() => setConfirming(false)}>
        <p className="muted">The invite link will no longer let a new device in. A new phone of yours still can, with a one-time device link from a device already here. This can’t be undone.</p>
        <div className="row row--end">
          <Button variant="quiet" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            variant="primary"
            icon="lock"
            onClick={() => {
              setConfirming(false);
              setBusy(true);
              setFailed(false);
              session.seal().then(
                () => setBusy(false),
                () => {
                  setBusy(false);
                  setFailed(true);
                },
              );
            }}
          >
            Seal it
          </Button>
        </div>
      </Dialog>
    </section>
  );
}

/** Who the room is for (APP-24): two partners, or two to six friends; never fewer than are in. */
function GroupPanel({ view, actions }: { view: RoomView; actions: RoomActions }) {
  const choices = GROUP_CHOICES.filter((choice) => choice.size >= view.members.length);
  const current = `${view.group.size}-${view.group.partners ? 'partners' : 'friends'}`;
  return (
    <section className="panel" aria-labelledby="group-title">
      <div className="stack stack--tight">
        <h2 id="group-title">Who this room is for</h2>
        <p className="muted">The invite link stays on “This week” until everyone has joined, and sealing is offered once you’re all in.</p>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="group-size">
          People in this room
        </label>
        <select
          id="group-size"
          className="select"
          value={current}
          onChange={(event) => {
            const choice = GROUP_CHOICES.find((option) => option.value === event.target.value);
            if (choice) actions.setGroup(choice.size, choice.partners);
          }}
        >
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

function NamesPanel({ view, actions }: { view: RoomView; actions: RoomActions }) {
  const [myName, setMyName] = useState(view.me?.name ?? '');
  const [roomName, setRoomName] = useState(view.room.name);
  const [saved, setSaved] = useState(false);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (myName.trim() && myName.trim() !== view.me?.name) actions.renameMe(myName);
    if (roomName.trim() && roomName.trim() !== view.room.name) actions.renameRoom(roomName);
    setSaved(true);
  }
  return (
    <form className="panel" aria-labelledby="names-title" onSubmit={onSubmit}>
      <h2 id="names-title">Names</h2>
      <TextField label="Your name" maxLength={60} value={myName} onChange={(e) => (setMyName(e.target.value), setSaved(false))} />
      <TextField label="Room name" maxLength={80} value={roomName} onChange={(e) => (setRoomName(e.target.value), setSaved(false))} />
      <div className="row row--end">
        <span className="faint" role="status">
          {saved ? 'Saved.' : ''}
        </span>
        <Button small type="submit">
          Save names
        </Button>
      </div>
    </form>
  );
}

function OwnCardsPanel({ view, actions }: { view: RoomView; actions: RoomActions }) {
  const [text, setText] = useState('');
  const [level, setLevel] = useState<Level>(1);
  const [kind, setKind] = useState<PromptKind>('question');
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState(false);
  const nameOf = (id: string | null) => (id === view.me?.id ? 'you' : (view.members.find((member) => member.id === id)?.name ?? 'someone'));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = actions.addOwnCard({ text, level, kind });
    if (!result.ok) {
      setError(text.trim().length < 8 ? 'Write at least a few words — eight characters or more.' : result.message);
      setAdded(false);
      return;
    }
    setText('');
    setError(null);
    setAdded(true);
  }

  return (
    <section className="panel" aria-labelledby="own-title">
      <div className="stack stack--tight">
        <h2 id="own-title">Your own cards</h2>
        <p className="muted">Add questions that matter to you {view.members.length > 2 ? 'all' : 'two'}. They join the deck for this room and can turn up in any session.</p>
      </div>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextArea short label="Your card" maxLength={220} value={text} onChange={(e) => (setText(e.target.value), setAdded(false))} error={error} placeholder="What’s something you’d like us to do more of?" />
        <div className="choices choices--two">
          <div className="field">
            <label className="field__label" htmlFor="own-level">
              Depth
            </label>
            <select id="own-level" className="select" value={level} onChange={(e) => setLevel(Number(e.target.value) as Level)}>
              {([1, 2, 3] as const).map((value) => (
                <option key={value} value={value}>
                  {LEVEL_NAMES[value]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="own-kind">
              Kind
            </label>
            <select id="own-kind" className="select" value={kind} onChange={(e) => setKind(e.target.value as PromptKind)}>
              {(['question', 'reflection', 'action'] as const).map((value) => (
                <option key={value} value={value}>
                  {KIND_NAMES[value]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="row row--end">
          <span className="faint" role="status">
            {added ? 'Added to the room’s deck.' : ''}
          </span>
          <Button type="submit" icon="plus">
            Add card
          </Button>
        </div>
      </form>
      {view.customPrompts.length > 0 && (
        <ul className="own-cards" aria-label="Cards you’ve added">
          {view.customPrompts.map((custom) => (
            <li key={custom.prompt.id} className="own-card">
              <span className="stack stack--tight">
                <span className="own-card__text">{custom.prompt.text}</span>
                <span className="faint">
                  {LEVEL_NAMES[custom.prompt.level]} · added by {nameOf(custom.addedBy)}
                </span>
              </span>
              <Button small variant="quiet" icon="trash" aria-label={`Remove “${custom.prompt.text}”`} onClick={() => actions.removeOwnCard(custom.prompt.id)}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DataPanel({ session, view }: { session: RoomSession; view: RoomView }) {
  const [dialog, setDialog] = useState<'leave' | 'delete' | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const partnerNames = listNames(view.others.map((member) => member.name)) || 'anyone else';

  async function exportAs(kind: 'md' | 'json') {
    setFailure(null);
    try {
      const exporter = await import('../export/exportRoom.ts');
      const now = Date.now();
      const context = { record: readRoomRecord(session.doc, view.me?.id ?? '', existingVault(session)), deck: view.deck, viewerId: view.me?.id ?? '', now };
      const name = exporter.fileNameFor(view.room.name, now, kind);
      if (kind === 'md') exporter.downloadFile(name, exporter.buildMarkdownExport(context), 'text/markdown;charset=utf-8');
      else exporter.downloadFile(name, exporter.buildJsonExport(context), 'application/json');
    } catch {
      setFailure('The export couldn’t be prepared. Reload the page and try again; nothing in the room changed.');
    }
  }

  async function leave() {
    setBusy(true);
    // The relay stops waking this device for the room (sent before the socket closes; if it does
    // not arrive, the notice book is gone and a push only says "something new in one of your rooms").
    void session.unregisterPush().catch(() => undefined);
    noteFarewell(session.roomId, 'left');
    await leaveRoom(session.roomId).catch(() => undefined);
    navigate('/', { replace: true });
  }

  async function remove() {
    setBusy(true);
    setFailure(null);
    try {
      await deleteRoomForEveryone(session);
      noteFarewell(session.roomId, 'deleted-by-you');
      navigate(`/r/${session.roomId}`, { replace: true });
    } catch {
      setBusy(false);
      setDialog(null);
      setFailure('The room couldn’t be deleted because the server can’t be reached. Nothing was removed; try again when you’re online.');
    }
  }

  return (
    <section className="panel danger-zone" aria-labelledby="data-title">
      <div className="stack stack--tight">
        <h2 id="data-title">Your data</h2>
        <p className="muted">Exports are made on this device, decrypted, and go nowhere else. Answers still veiled for you are left out.</p>
      </div>
      <div className="row">
        <Button icon="download" onClick={() => void exportAs('md')}>
          Export as Markdown
        </Button>
        <Button icon="download" onClick={() => void exportAs('json')}>
          Export as JSON
        </Button>
      </div>
      {failure && (
        <Notice tone="error" title="That didn’t work" live>
          {failure}
        </Notice>
      )}
      <hr className="divider" />
      <div className="stack stack--tight">
        <h3>Leave or delete</h3>
        <p className="muted">
          Leaving forgets the room on this device only. Deleting erases it from the server for {partnerNames} too.
        </p>
      </div>
      <div className="row">
        <Button variant="danger" icon="door" onClick={() => setDialog('leave')}>
          Leave on this device
        </Button>
        <Button variant="danger" icon="trash" onClick={() => setDialog('delete')}>
          Delete for everyone
        </Button>
      </div>

      <Dialog open={dialog === 'leave'} title="Leave this room on this device?" onClose={() => setDialog(null)}>
        <p className="muted">
          The room and everything in it will be removed from this device. {view.others.length ? `${partnerNames} ${plural(view.others.length, 'keeps', 'keep')} it, and you can come back with the invite link.` : 'You can come back with the invite link.'}
        </p>
        <div className="row row--end">
          <Button variant="quiet" onClick={() => setDialog(null)}>
            Stay
          </Button>
          <Button variant="danger-solid" icon="door" disabled={busy} onClick={() => void leave()}>
            Leave
          </Button>
        </div>
      </Dialog>
      <Dialog open={dialog === 'delete'} title="Delete this room for everyone?" onClose={() => setDialog(null)}>
        <p className="muted">
          Every answer, reply and check-in is erased from the server, and {view.others.length > 1 ? 'their' : `${partnerNames}’s`} devices will let the room go the next time they connect. Consider exporting first. This can’t be undone.
        </p>
        <div className="row row--end">
          <Button variant="quiet" onClick={() => setDialog(null)}>
            Keep the room
          </Button>
          <Button variant="danger-solid" icon="trash" disabled={busy} onClick={() => void remove()}>
            {busy ? 'Deleting…' : 'Delete for everyone'}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
