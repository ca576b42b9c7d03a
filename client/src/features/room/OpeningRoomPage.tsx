import { TopBar } from '../../components/TopBar.tsx';
import { Waiting } from '../../components/Waiting.tsx';
import { useLinkHandler } from '../../hooks/useLink.ts';

/** The page shown while a room loads: before its code arrives, and before its session opens. */
export function OpeningRoomPage() {
  const onLink = useLinkHandler();
  return (
    <>
      <TopBar onHome={onLink} />
      <main id="main" tabIndex={-1} className="page">
        <Waiting title="Opening the room…" />
      </main>
    </>
  );
}
