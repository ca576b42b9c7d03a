import { TopBar } from '../../components/TopBar.tsx';
import { Waiting } from '../../components/Waiting.tsx';

/** The page shown while a room loads: before its code arrives, and before its session opens. */
export function OpeningRoomPage() {
  return (
    <>
      <TopBar />
      <main id="main" tabIndex={-1} className="page">
        <Waiting title="Opening the room…" />
      </main>
    </>
  );
}
