import { lazy, Suspense, useEffect, useRef } from 'react';
import { TopBar } from './components/TopBar.tsx';
import { HomeScreen } from './features/home/HomeScreen.tsx';
import { Notice } from './components/Notice.tsx';
import { Waiting } from './components/Waiting.tsx';
import { Link } from './components/Link.tsx';
import { useRoute } from './hooks/useRoute.ts';
import { OpeningRoomPage } from './features/room/OpeningRoomPage.tsx';

// One-time flows load on demand, keeping the first download for the screens used every week.
const StartScreen = lazy(() => import('./features/start/StartScreen.tsx').then((module) => ({ default: module.StartScreen })));
const JoinScreen = lazy(() => import('./features/join/JoinScreen.tsx').then((module) => ({ default: module.JoinScreen })));
// The room (with Yjs, the crypto and the sync layer) is its own chunk; main.tsx starts fetching it
// before React renders when the address is a room, so there is no extra round trip.
const RoomScreen = lazy(() => import('./features/room/RoomScreen.tsx').then((module) => ({ default: module.RoomScreen })));

export function App() {
  const route = useRoute();
  const routeKey = route.name === 'room' ? `room:${route.roomId}:${route.tab}` : route.name;
  const firstRender = useRef(true);

  // Moving to a new screen moves focus to its main region, so screen readers start at the top of
  // the new content instead of staying on a link that no longer exists.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [routeKey]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {route.name === 'room' ? (
        <Suspense fallback={<OpeningRoomPage />}>
          <RoomScreen roomId={route.roomId} tab={route.tab} />
        </Suspense>
      ) : (
        <>
          <TopBar />
          {route.name === 'home' && <HomeScreen />}
          {(route.name === 'new' || route.name === 'join') && (
            <Suspense fallback={<Waiting title="One moment…" />}>{route.name === 'new' ? <StartScreen /> : <JoinScreen />}</Suspense>
          )}
          {route.name === 'not-found' && (
            <main id="main" tabIndex={-1} className="page">
              <h1>Nothing here</h1>
              <Notice title="This address doesn’t lead anywhere in Seen.">
                <Link href="/">
                  Go to your rooms
                </Link>
              </Notice>
            </main>
          )}
        </>
      )}
    </div>
  );
}
