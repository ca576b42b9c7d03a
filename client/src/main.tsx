import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { startServiceWorker } from './app/appUpdate.ts';
import { UpdateBanner } from './components/UpdateBanner.tsx';
import './styles/app.css';

// Start downloading the screen this address needs while React boots (same modules App imports
// lazily, so the browser fetches each chunk once).
if (window.location.pathname.startsWith('/r/')) {
  void import('./features/room/RoomScreen.tsx');
  // The room's first screen waits for the deck's cards (see RoomScreen): fetch them alongside. The
  // cards' own chunk is requested here too, not only once app/decks.ts has arrived and asks for it:
  // that second round trip put the cards, and so the room's first full screen, ~200 ms later.
  void import('@seen/shared/decks').catch(() => undefined);
  void import('./app/decks.ts').then((decks) => decks.loadDecks()).catch(() => undefined);
}
else if (window.location.pathname === '/join') void import('./features/join/JoinScreen.tsx');

const root = document.getElementById('root');
if (!root) throw new Error('index.html is missing #root');
// The first render as a transition: React then renders in slices of a few milliseconds, yielding
// in between, instead of one long task that blocks a phone's main thread while the page loads.
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <UpdateBanner />
      <App />
    </StrictMode>,
  );
});

// Well after the first paint (see startServiceWorker): the worker only matters for the next visit.
startServiceWorker();
