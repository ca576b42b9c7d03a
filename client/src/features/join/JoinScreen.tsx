import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { isRoomInitialised, readMembers, readRoom } from '@seen/shared/doc';
import { Avatar } from '../../components/Avatar.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Waiting } from '../../components/Waiting.tsx';
import { roomIdFor } from '../../app/invite.ts';
import { clearPendingInvite, consumeInviteFragment } from '../../app/inviteFragment.ts';
import { newDeviceKey } from '../../app/openRoom.ts';
import { getRoom } from '../../app/roomStore.ts';
import { joinRoom } from '../../app/rooms.ts';
import { navigate, roomPath } from '../../app/router.ts';
import { REFUSALS, describeSync, listNames } from '../../app/words.ts';
import { useDocVersion } from '../../hooks/useDocVersion.ts';
import { Link } from '../../components/Link.tsx';
import { useRoomSession } from '../../hooks/useRoomSession.ts';
import { useSessionStatus } from '../../hooks/useSessionStatus.ts';
import { useLocalLoaded } from '../../hooks/useRoom.ts';
import { useNow } from '../../hooks/useNow.ts';
import { useOnline } from '../../hooks/useOnline.ts';

export function JoinScreen() {
  const [invite, setInvite] = useState(consumeInviteFragment);
  // Another invite link opened in this same tab only changes the fragment (no page load).
  useEffect(() => {
    const onHashChange = () => setInvite(consumeInviteFragment());
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  if (invite.kind === 'none') {
    return (
      <main id="main" tabIndex={-1} className="page">
        <h1>Join a room</h1>
        <Notice tone="warn" title="There’s no invite in this address">
          Open the invite link exactly as your partner sent it — the part after the # is the key to the room. Or{' '}
          <Link href="/new">
            start a room of your own
          </Link>
          .
        </Notice>
      </main>
    );
  }
  if (invite.kind === 'error') {
    return (
      <main id="main" tabIndex={-1} className="page">
        <h1>Join a room</h1>
        <Notice tone="error" title="This invite link isn’t complete" live>
          {invite.error.message}
        </Notice>
        <p className="muted">
          Nothing was opened or saved. When you have the full link, open it again —{' '}
          <Link href="/">
            or go to your rooms
          </Link>
          .
        </p>
      </main>
    );
  }
  return <JoinWithSecret key={roomIdFor(invite.secret)} secret={invite.secret} />;
}

function JoinWithSecret({ secret }: { secret: Uint8Array }) {
  const roomId = useMemo(() => roomIdFor(secret), [secret]);
  const [known, setKnown] = useState<'checking' | 'new'>('checking');

  // Already a member on this device: go straight in.
  useEffect(() => {
    let cancelled = false;
    void getRoom(roomId)
      .catch(() => null)
      .then((saved) => {
        if (cancelled) return;
        if (saved) {
          clearPendingInvite();
          navigate(roomPath(roomId), { replace: true });
        } else setKnown('new');
      });
    return () => {
      cancelled = true;
    };
  }, [roomId]);

  if (known === 'checking') return <Waiting title="Opening your invite…" />;
  return <JoinForm secret={secret} />;
}

function JoinForm({ secret }: { secret: Uint8Array }) {
  // This device's key for the room: registered with the relay on the first connection and kept
  // with the room when joining, so the device still gets in after the room is sealed.
  const [deviceKey] = useState(newDeviceKey);
  const session = useRoomSession(secret, deviceKey);
  const status = useSessionStatus(session);
  const loaded = useLocalLoaded(session);
  const version = useDocVersion(session?.doc ?? null);
  const now = useNow(30_000);
  const [name, setName] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const info = useMemo(() => {
    if (!session) return null;
    return { initialised: isRoomInitialised(session.doc), room: readRoom(session.doc), members: readMembers(session.doc) };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- version is the doc's change counter
  }, [session, version]);

  const online = useOnline();
  const sync = describeSync(status, now, online);
  const synced = status.phase === 'synced';
  const refusal = status.phase === 'refused' && status.refusal ? REFUSALS[status.refusal] : null;
  const emptyRoom = synced && loaded && info !== null && !info.initialised;
  const nameError = submitted && !name.trim() ? `Add your name so ${info?.room.partners === false ? 'your friends know' : 'your partner knows'} it’s you.` : null;

  async function join(memberId?: string) {
    if (!session) return;
    setBusy(true);
    setFailure(null);
    try {
      const roomId = await joinRoom({ session, secret, deviceKey, name, memberId });
      navigate(roomPath(roomId), { replace: true });
    } catch {
      setBusy(false);
      setFailure('This device couldn’t remember the room (its storage may be blocked in this window). Try a normal browser window; your name is still here.');
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim()) return;
    void join();
  }

  if (refusal) {
    return (
      <main id="main" tabIndex={-1} className="page">
        <h1>Join a room</h1>
        <Notice tone="error" title={refusal.title} live>
          {refusal.body}
        </Notice>
        <p>
          <Link href="/">
            Go to your rooms
          </Link>
        </p>
      </main>
    );
  }

  if (emptyRoom) {
    return (
      <main id="main" tabIndex={-1} className="page">
        <h1>Join a room</h1>
        <Notice tone="error" title="There’s no room behind this link" live>
          The server has nothing for this key. The link may have been changed on its way to you, or the room was never saved. Ask for the invite link again and open it exactly as sent.
        </Notice>
      </main>
    );
  }

  const roomName = info?.initialised ? info.room.name : null;
  const members = info?.members ?? [];
  const waitingForRoom = !info?.initialised;

  return (
    <main id="main" tabIndex={-1} className="page">
      <div className="stack stack--tight">
        <p className="eyebrow">You’re invited</p>
        <h1>{roomName ? `Join “${roomName}”` : 'Join a room'}</h1>
        <div className="row here-together" aria-live="polite">
          {members.length > 0 ? (
            <>
              <span className="avatars" aria-hidden="true">
                {members.map((member) => (
                  <Avatar key={member.id} name={member.name} partner />
                ))}
              </span>
              <span className="muted">{listNames(members.map((member) => member.name))} {members.length === 1 ? 'is' : 'are'} waiting for you.</span>
            </>
          ) : (
            <span className="muted">{waitingForRoom ? `${sync.label} ${sync.detail}` : ''}</span>
          )}
        </div>
      </div>

      {sync.tone === 'offline' && waitingForRoom && (
        <Notice tone="warn" title="Can’t reach the server right now" live>
          You can still join: your name is saved on this device and the room arrives as soon as the connection is back.
        </Notice>
      )}

      <form className="panel" onSubmit={onSubmit} noValidate>
        <TextField label="Your name" autoComplete="given-name" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} error={nameError} placeholder="Sam" />
        {failure && <Notice tone="error" title="You haven’t joined yet" live>{failure}</Notice>}
        <div className="row row--end">
          <Button type="submit" variant="primary" disabled={busy || !session} icon="arrowRight">
            {busy ? 'Joining…' : 'Join the room'}
          </Button>
        </div>
      </form>

      {members.length > 0 && (
        <section className="panel panel--quiet" aria-labelledby="returning-title">
          <h2 id="returning-title" className="eyebrow">
            Already in this room on another device?
          </h2>
          <p className="muted">Continue as yourself: one of your devices already in the room approves this one with a short code, then your answers follow you here.</p>
          <div className="row">
            {members.map((member) => (
              <Button key={member.id} small disabled={busy} onClick={() => void join(member.id)}>
                I’m {member.name}
              </Button>
            ))}
          </div>
        </section>
      )}
    </main>
  );
}
