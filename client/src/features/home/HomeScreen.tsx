import { buttonClass } from '../../components/Button.tsx';
import { BrandMark, Icon } from '../../components/Icon.tsx';
import { Notice } from '../../components/Notice.tsx';
import { roomPath } from '../../app/router.ts';
import { relativeTime } from '../../app/words.ts';
import { Link } from '../../components/Link.tsx';
import { useNow } from '../../hooks/useNow.ts';
import { useSavedRooms } from '../../hooks/useSavedRooms.ts';

export function HomeScreen() {
  const rooms = useSavedRooms();
  const now = useNow(60_000);
  const hasRooms = rooms.state === 'ready' && rooms.value.length > 0;

  return (
    <>
      <main id="main" tabIndex={-1} className="page">
        {hasRooms ? (
          <div className="section-title">
            <h1>Your rooms</h1>
            <Link href="/new" className={buttonClass({ variant: 'primary' })}>
              <Icon name="plus" />
              New room
            </Link>
          </div>
        ) : (
          <section className="hero" aria-labelledby="hero-title">
            <BrandMark className="hero__mark" />
            <h1 id="hero-title">A quiet room for the two of you.</h1>
            <p className="lede">
              Draw a few cards each week. You both write your answer, and you see each other’s once you’ve both shared. Then you talk.
            </p>
            <div className="row">
              <Link href="/new" className={buttonClass({ variant: 'primary' })}>
                Start a room
                <Icon name="arrowRight" />
              </Link>
            </div>
          </section>
        )}

        {rooms.state === 'error' && <Notice tone="error" title="Your rooms can’t be shown">{rooms.message}</Notice>}

        {hasRooms && (
          <ul className="room-list" aria-label="Rooms on this device">
            {rooms.value.map((room) => (
              <li key={room.roomId}>
                <Link className="room-link" href={roomPath(room.roomId)}>
                  <span className="avatars" aria-hidden="true">
                    <span className="avatar">{Array.from(room.memberName)[0]?.toUpperCase() ?? '?'}</span>
                    {room.partnerName && <span className="avatar avatar--partner">{Array.from(room.partnerName)[0]?.toUpperCase()}</span>}
                  </span>
                  <span className="room-link__body">
                    <span className="room-link__name">{room.name || 'Untitled room'}</span>
                    <span className="room-link__meta">
                      {room.partnerName ? `With ${room.partnerName}` : 'Waiting for someone to join'} · active {relativeTime(room.lastActivityAt, now)}
                    </span>
                  </span>
                  <Icon name="chevron" />
                </Link>
              </li>
            ))}
          </ul>
        )}

        {!hasRooms && (
        <section className="pairs" aria-label="How Seen works">
          <div className="pair">
            <Icon name="pen" />
            <h2 className="eyebrow">Both answer</h2>
            <p className="muted">Each card is for both of you. Write in your own words, at your own pace — together now, or over the week.</p>
          </div>
          <div className="pair">
            <Icon name="eye" />
            <h2 className="eyebrow">Then you see each other</h2>
            <p className="muted">Your partner’s answer stays veiled until you’ve shared yours, so nobody just agrees. Then both open side by side.</p>
          </div>
          <div className="pair">
            <Icon name="lock" />
            <h2 className="eyebrow">Only you two can read it</h2>
            <p className="muted">No accounts. Everything is encrypted on your devices; the server only keeps sealed envelopes it cannot open.</p>
          </div>
        </section>
        )}
      </main>
      <footer className="footer">Seen keeps your rooms on this device and syncs them, encrypted, through a server that can’t read them.</footer>
    </>
  );
}
