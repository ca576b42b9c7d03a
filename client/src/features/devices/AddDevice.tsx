import { lazy, Suspense, useId, useState } from 'react';
import type { RoomSession } from '@seen/sync';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Toast } from '../../components/Toast.tsx';
import { useCopyLink } from '../../hooks/useCopyLink.ts';

const QrCode = lazy(() => import('../invite/QrCode.tsx'));

/** How long the relay keeps an admission ticket (PROTOCOL.md §3d), said to the person in words. */
const TICKET_MINUTES = 15;

/**
 * One more device of this member (SEALED-21): the server vouches for one new device, even in a
 * sealed room, through a link that carries a one-time ticket; the new device then waits for this
 * member's approval with a code (SEALED-7), like any other.
 */
export function AddDevice({ session, deviceLink }: { session: RoomSession; deviceLink: (ticket: Uint8Array) => string }) {
  const [link, setLink] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [showQr, setShowQr] = useState(false);
  const fieldId = useId();
  const { toast, copy } = useCopyLink(fieldId, 'Device link copied');

  function issue(): void {
    setBusy(true);
    setFailed(false);
    session.issueAdmissionTicket().then(
      (ticket) => {
        setBusy(false);
        setLink(deviceLink(ticket));
      },
      () => {
        setBusy(false);
        setFailed(true);
      },
    );
  }

  return (
    <div className="stack stack--tight">
      {failed && (
        <Notice tone="error" title="No device link yet" live>
          The server has to vouch for the new device, and it can’t be reached right now. Try again when you’re online.
        </Notice>
      )}
      {link === null ? (
        <div>
          <Button small icon="plus" disabled={busy} onClick={issue}>
            Add a device of yours
          </Button>
        </div>
      ) : (
        <>
          <p className="muted">
            Open this link on your new device within {TICKET_MINUTES} minutes. It works once, even if the room is sealed; the new device then shows a code, and you approve it here
            after checking that the codes match.
          </p>
          <div className="invite-link">
            <label htmlFor={fieldId} className="visually-hidden">
              Link for your new device
            </label>
            <input id={fieldId} className="input" readOnly value={link} onFocus={(event) => event.currentTarget.select()} />
            <Button variant="primary" icon="copy" onClick={() => void copy(link)}>
              Copy link
            </Button>
          </div>
          <div className="row">
            <Button small icon="qr" aria-expanded={showQr} onClick={() => setShowQr((shown) => !shown)}>
              {showQr ? 'Hide QR code' : 'Show QR code'}
            </Button>
            <Button small variant="quiet" onClick={() => (setLink(null), setShowQr(false))}>
              Done
            </Button>
          </div>
          {showQr && (
            <Suspense fallback={<div className="qr qr-placeholder">Drawing the code…</div>}>
              <QrCode text={link} label="QR code of the link for your new device" />
            </Suspense>
          )}
        </>
      )}
      <Toast message={toast} />
    </div>
  );
}
