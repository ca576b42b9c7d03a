import { TopBar } from '../../components/TopBar.tsx';
import { Waiting } from '../../components/Waiting.tsx';

/** The page shown while a room loads: before its code arrives, and before its session opens. */
export function OpeningRoomPage() {
  return (
    <>
      {/* As wide as the room it turns into, so the brand does not move when the room appears. */}
      <TopBar wide />
      <main id="main" tabIndex={-1} className="page page--wide">
        <Waiting title="Opening the room…" />
      </main>
    </>
  );
}
