import { lazy, startTransition, Suspense, useEffect, useMemo, useState } from 'react';
import { Notice } from '../../components/Notice.tsx';
import { StatusLine, type StatusLineProps } from '../../components/StatusLine.tsx';
import { TopBar } from '../../components/TopBar.tsx';
import { Waiting } from '../../components/Waiting.tsx';
import { Button } from '../../components/Button.tsx';
import { loadDecks } from '../../app/decks.ts';
import { decodeSecret, deviceLinkFor, inviteLinkFor, type RoomSecret } from '../../app/invite.ts';
import { newDeviceKey } from '../../app/openRoom.ts';
import { leaveRoom, noteFarewell, readFarewell, touchRoom } from '../../app/rooms.ts';
import { navigate, roomPath, type RoomTab } from '../../app/router.ts';
import type { SavedRoom } from '../../app/roomStore.ts';
import { REFUSALS, describeSync, describeWarning, listNames, partnerActivity, youAnd } from '../../app/words.ts';
import { Link } from '../../components/Link.tsx';
import { useNow } from '../../hooks/useNow.ts';
import { useRitualDraw } from '../../hooks/useRitualDraw.ts';
import { useOnline } from '../../hooks/useOnline.ts';
import { usePeers, usePublishPresence } from '../../hooks/usePresence.ts';
import { useLocalLoaded, useRoomActions, useRoomView } from '../../hooks/useRoom.ts';
import { useRoomKeysReady } from '../../hooks/useRoomKeysReady.ts';
import { useRoomSession } from '../../hooks/useRoomSession.ts';
import { useSavedRoom } from '../../hooks/useSavedRooms.ts';
import { useSessionStatus } from '../../hooks/useSessionStatus.ts';
import { useNoticeBook } from '../../hooks/useNoticeBook.ts';
import { useNudgeOthers, useRefreshNudges } from '../../hooks/useNudges.ts';
import { canOfferNudges } from '../../push/nudgeRules.ts';
import type { Presence } from '@seen/shared/doc';
import type { RoomSession } from '@seen/sync';
import { SessionTab } from '../session/SessionTab.tsx';
import { OpeningRoomPage } from './OpeningRoomPage.tsx';
import { ApproveDevices, formatApprovalCode, WaitingForApproval } from '../devices/DeviceApproval.tsx';
import { useAnswerRelease, useSealedAnswers } from '../../hooks/useSealedAnswers.ts';

/**
 * True once `load` has finished (started only when `wanted`). The room's first screen waits for the
 * chunks it shows, so they do not arrive after it and push the cards down (layout shift).
 */
function useChunkReady(load: () => Promise<unknown>, wanted: boolean): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!wanted || ready) return;
    let cancelled = false;
    // A failed download shows the page anyway: its own Suspense boundary deals with it.
    // A transition: what it shows is the room's first full screen, a render worth slicing.
    const settle = () => {
      if (!cancelled) startTransition(() => setReady(true));
    };
    load().then(settle, settle);
    return () => {
      cancelled = true;
    };
  }, [load, wanted, ready]);
  return ready || !wanted;
}

// The weekly screen loads with the app; history and settings arrive when first opened.
const HistoryTab = lazy(() => import('../history/HistoryTab.tsx').then((module) => ({ default: module.HistoryTab })));
const SettingsTab = lazy(() => import('../settings/SettingsTab.tsx').then((module) => ({ default: module.SettingsTab })));
// The offer to turn nudges on appears after a completed session, so it loads only then.
const NudgePrompt = lazy(() => import('../nudges/NudgePrompt.tsx').then((module) => ({ default: module.NudgePrompt })));

export function RoomScreen({ roomId, tab }: { roomId: string; tab: RoomTab }) {
  const saved = useSavedRoom(roomId);

  if (saved.state === 'loading') {
    return <OpeningRoomPage />;
  }
  if (saved.state === 'error' || saved.value === null) {
    const farewell = readFarewell(roomId);
    return (
      <>
        <TopBar />
        <main id="main" tabIndex={-1} className="page">
          <h1>{farewell === 'left' ? 'You left the room' : farewell ? 'Room deleted' : 'Room not found'}</h1>
          {farewell === 'deleted-by-partner' ? (
            <Notice tone="warn" title={REFUSALS.deleted.title} live>
              {REFUSALS.deleted.body}
            </Notice>
          ) : farewell === 'deleted-by-you' ? (
            <Notice title="The room is deleted" live>
              It’s gone from the server for everyone, and from this device.
            </Notice>
          ) : farewell === 'left' ? (
            <Notice title="You left the room on this device" live>
              Its data is gone from this device. Your partner still has the room; open the invite link again to come back.
            </Notice>
          ) : (
            <Notice tone="warn" title="This device doesn’t know this room">
              {saved.state === 'error' ? saved.message : 'It may have been left or deleted here. To come back, open the invite link again.'}
            </Notice>
          )}
          <p>
            <Link href="/">
              Go to your rooms
            </Link>
          </p>
        </main>
      </>
    );
  }
  return <OpenRoom saved={saved.value} tab={tab} />;
}

function OpenRoom({ saved, tab }: { saved: SavedRoom; tab: RoomTab }) {
  const secret = useMemo(() => decodeSecret(saved.secret), [saved.secret]);
  // Rooms saved before device keys existed get one now, kept from then on. Only then: making a key
  // pair with tweetnacl costs a phone's main thread hundreds of milliseconds.
  const [fallbackKey] = useState(() => (saved.deviceKey ? null : newDeviceKey()));
  const deviceKey = saved.deviceKey ?? fallbackKey;
  useEffect(() => {
    if (!saved.deviceKey && fallbackKey) void touchRoom(saved.roomId, { deviceKey: fallbackKey }).catch(() => undefined);
  }, [saved.deviceKey, saved.roomId, fallbackKey]);
  const keysReady = useRoomKeysReady(secret);
  const session = useRoomSession(keysReady ? secret : null, deviceKey);
  if (!secret) {
    return (
      <main id="main" tabIndex={-1} className="page">
        <Notice tone="error" title="This room’s key is damaged on this device">
          Open the invite link again to restore it.
        </Notice>
      </main>
    );
  }
  if (!session) {
    return <OpeningRoomPage />;
  }
  return <RoomLoaded session={session} saved={saved} tab={tab} inviteLink={inviteLinkFor(secret)} secret={secret} deviceKey={deviceKey ?? newDeviceKey()} />;
}

const NO_PEERS: readonly Presence[] = [];

function RoomLoaded({
  session,
  saved,
  tab,
  inviteLink,
  secret,
  deviceKey,
}: {
  session: RoomSession;
  saved: SavedRoom;
  tab: RoomTab;
  inviteLink: string;
  secret: RoomSecret;
  deviceKey: string;
}) {
  const loaded = useLocalLoaded(session);
  const status = useSessionStatus(session);
  const synced = status.phase === 'synced';
  const sealed = useSealedAnswers({ session, memberId: saved.memberId, deviceKey, secret, ready: loaded, connected: synced });
  // Until the room's signatures are checked off the main thread, the view reads no sealed answer
  // (it is not drawn before: firstScreenReady waits for `prepared`).
  const view = useRoomView(session, saved.memberId, sealed.prepared ? sealed.vault : undefined, sealed.depositsVersion);
  useAnswerRelease(sealed, session, view, synced);
  const livePeers = usePeers(session, saved.memberId);
  const otherIds = useMemo(() => view.others.map((member) => member.id), [view.others]);
  // Presence is read when the nudge is due (the latest, not this render's): see useNudgeOthers.
  const nudgeOthers = useNudgeOthers(session, otherIds, livePeers);
  const actions = useRoomActions(session, saved.memberId, nudgeOthers, sealed.writer);
  const now = useNow(30_000);
  const [activeCardId, setActiveCardId] = useState<string | null>(null);
  const [typing, setTyping] = useState(false);

  const myName = view.me?.name ?? saved.memberName;
  usePublishPresence(session, { memberId: saved.memberId, name: myName, activeCardId: tab === 'session' ? activeCardId : null, typing: tab === 'session' && typing });

  const otherNames = view.others.map((member) => member.name);
  const partnerNames = listNames(otherNames);

  // Keep "Your rooms" current: the room's name, who is in it, and when anything last happened.
  const lastActivityAt = Math.max(status.lastSavedAt ?? 0, status.partnerLastActiveAt ?? 0, saved.lastActivityAt);
  useEffect(() => {
    if (!loaded || !view.initialised) return;
    void touchRoom(saved.roomId, {
      name: view.room.name,
      memberName: myName,
      partnerName: partnerNames || null,
      lastActivityAt,
    }).catch(() => undefined);
  }, [loaded, view.initialised, view.room.name, myName, partnerNames, lastActivityAt, saved.roomId]);

  // Deleted by a member: this device lets the room go too (APP-19).
  const deleted = status.phase === 'refused' && status.refusal === 'deleted';
  useEffect(() => {
    if (!deleted) return;
    noteFarewell(saved.roomId, 'deleted-by-partner');
    void leaveRoom(saved.roomId);
  }, [deleted, saved.roomId]);

  const online = useOnline();
  // "Saved" only once the relay has acknowledged everything: the status never claims more than it knows.
  const sync = describeSync(status, now, online);
  // Presence is only as fresh as the connection: offline, nobody is "here" as far as we can know.
  const connected = sync.tone !== 'offline' && status.phase !== 'refused';
  const peers = connected ? livePeers : NO_PEERS;
  // Names in the room's turn order, so every screen lists the same people the same way.
  const inTurnOrder = (present: readonly Presence[]) => {
    const known = view.others.filter((member) => present.some((peer) => peer.memberId === member.id)).map((member) => member.name);
    const unknown = present.filter((peer) => !view.others.some((member) => member.id === peer.memberId)).map((peer) => peer.name);
    return [...known, ...unknown];
  };
  const partnerLine: StatusLineProps['partner'] = (() => {
    if (otherNames.length === 0) return { text: 'Nobody else has joined yet', state: 'away' };
    const present = peers.length > 0;
    const typingPeers = peers.filter((peer) => peer.typing);
    const names = present ? inTurnOrder(peers) : otherNames;
    return {
      text: partnerActivity({ names: typingPeers.length ? inTurnOrder(typingPeers) : names, present, typing: typingPeers.length > 0, lastActiveAt: status.partnerLastActiveAt, now }),
      state: typingPeers.length ? 'typing' : present ? 'here' : 'away',
    };
  })();

  const refusal = status.phase === 'refused' && status.refusal && !deleted ? REFUSALS[status.refusal] : null;
  // A removed device is refused for good (SEALED-19): no approval can bring it back, so the notice
  // (forget the room here, join again as a new device) is all it shows.
  const removed = status.phase === 'refused' && status.refusal === 'device-removed';
  // The first screen appears whole, with the document and the deck's cards, instead of growing when
  // the cards' text arrives (a layout shift on a phone). A failed deck download shows it anyway.
  const decksSettled = useChunkReady(loadDecks, loaded && view.initialised);
  const firstScreenReady = loaded && view.initialised && decksSettled && sealed.prepared;
  useRitualDraw(view, actions, now, firstScreenReady);
  useNoticeBook(saved.roomId, view, loaded && view.initialised);
  useRefreshNudges(session, status.phase === 'synced');
  const offerNudges =
    firstScreenReady && canOfferNudges({ sessions: view.sessions, sessionOpen: view.openSession !== null, othersCount: view.others.length, joinedAt: saved.joinedAt });

  return (
    <>
      <TopBar wide>
        <div className="topbar__title">
          <span className="topbar__room">{view.room.name || saved.name || 'Your room'}</span>
          <span className="faint">{youAnd(otherNames)}</span>
        </div>
      </TopBar>
      <div className="room-head">
        <StatusLine sync={sync} partner={partnerLine} />
        <nav className="tabs" aria-label="Room">
          <Link href={roomPath(saved.roomId)} aria-current={tab === 'session' ? 'page' : undefined}>
            This week
          </Link>
          <Link href={roomPath(saved.roomId, 'history')} aria-current={tab === 'history' ? 'page' : undefined}>
            History
          </Link>
          <Link href={roomPath(saved.roomId, 'room')} aria-current={tab === 'room' ? 'page' : undefined}>
            Room &amp; data
          </Link>
        </nav>
      </div>
      <hr className="divider" />
      <main id="main" tabIndex={-1} className="page page--wide">
        {deleted ? (
          <>
            <h1>Room deleted</h1>
            <Notice tone="warn" title={REFUSALS.deleted.title} live>
              {REFUSALS.deleted.body}
            </Notice>
            <p>
              <Link href="/">
                Go to your rooms
              </Link>
            </p>
          </>
        ) : (
          <>
            {removed && <h1>Removed from this room</h1>}
            {refusal && (
              <Notice
                tone="error"
                title={refusal.title}
                live
                actions={
                  refusal.suggestForget ? (
                    <Button
                      small
                      icon="door"
                      onClick={() => {
                        noteFarewell(saved.roomId, 'left');
                        void leaveRoom(saved.roomId).then(() => navigate('/'));
                      }}
                    >
                      Forget this room on this device
                    </Button>
                  ) : undefined
                }
              >
                {refusal.body}
              </Notice>
            )}
            {status.warnings.map((warning) => (
              <Notice key={warning.kind} tone="warn" title="Something may be missing">
                {describeWarning(warning, now, { partners: view.group.partners, groupSize: view.group.size })}
              </Notice>
            ))}
            {view.fromNewerVersion && (
              <Notice tone="warn" title="A newer version of Seen has written to this room">
                Reload the page to update. Until then, some things your partner added may not show here.
              </Notice>
            )}
            {firstScreenReady && !removed && sealed.pending.length > 0 && (
              <ApproveDevices
                myId={saved.memberId}
                nameOf={(memberId) => view.members.find((member) => member.id === memberId)?.name ?? null}
                pending={sealed.pending}
                onApprove={(deviceHex) => sealed.vault.approveDevice(deviceHex, Date.now())}
              />
            )}
            {removed ? null : !firstScreenReady ? (
              <Waiting title={loaded && !view.initialised ? 'Waiting for the room to arrive…' : 'Opening the room…'} detail={loaded && !view.initialised ? sync.detail : undefined} />
            ) : sealed.enrolled === 'waiting-for-own-device' ? (
              <WaitingForApproval name={myName} others={partnerNames} code={formatApprovalCode({ publicKey: sealed.vault.devicePublicKey, boxKey: sealed.vault.boxPublicKey })} />
            ) : tab === 'session' ? (
              <SessionTab
                view={view}
                actions={actions}
                peers={peers}
                inviteLink={inviteLink}
                now={now}
                onActiveCard={setActiveCardId}
                onTyping={setTyping}
                nudgePrompt={
                  offerNudges ? (
                    <Suspense fallback={null}>
                      <NudgePrompt session={session} others={otherNames} />
                    </Suspense>
                  ) : null
                }
              />
            ) : (
              <Suspense fallback={<Waiting title="One moment…" />}>
                {tab === 'history' ? (
                  <HistoryTab session={session} viewerId={saved.memberId} view={view} />
                ) : (
                  <SettingsTab session={session} view={view} actions={actions} inviteLink={inviteLink} deviceLink={(ticket) => deviceLinkFor(secret, ticket)} status={status} others={otherNames} />
                )}
              </Suspense>
            )}
          </>
        )}
      </main>
    </>
  );
}
