import { useEffect, useRef } from 'react';
import { TopBar } from './components/TopBar.tsx';
import { HomeScreen } from './features/home/HomeScreen.tsx';
import { JoinScreen } from './features/join/JoinScreen.tsx';
import { RoomScreen } from './features/room/RoomScreen.tsx';
import { StartScreen } from './features/start/StartScreen.tsx';
import { Notice } from './components/Notice.tsx';
import { useLinkHandler } from './hooks/useLink.ts';
import { useRoute } from './hooks/useRoute.ts';

export function App() {
  const route = useRoute();
  const onLink = useLinkHandler();
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
        <RoomScreen roomId={route.roomId} tab={route.tab} />
      ) : (
        <>
          <TopBar onHome={onLink} />
          {route.name === 'home' && <HomeScreen />}
          {route.name === 'new' && <StartScreen />}
          {route.name === 'join' && <JoinScreen />}
          {route.name === 'not-found' && (
            <main id="main" tabIndex={-1} className="page">
              <h1>Nothing here</h1>
              <Notice title="This address doesn’t lead anywhere in Seen.">
                <a href="/" onClick={onLink}>
                  Go to your rooms
                </a>
              </Notice>
            </main>
          )}
        </>
      )}
    </div>
  );
}
