import { lazy, Suspense, useState } from 'react';
import { useCopyLink } from '../../hooks/useCopyLink.ts';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Toast } from '../../components/Toast.tsx';
import { countWord, inviteAudience, inviteTitle } from '../../app/words.ts';

const QrCode = lazy(() => import('./QrCode.tsx'));

/** The invite link with copy, share and a QR code for the phone across the table. */
export function InvitePanel({
  link,
  group,
  joined,
  prominent,
}: {
  link: string;
  /** Who the room is for (APP-24) and how many have joined: the words name who the link is for. */
  group: { readonly size: number; readonly partners: boolean };
  joined: number;
  prominent?: boolean;
}) {
  const missing = Math.max(0, group.size - joined);
  const audience = inviteAudience({ partners: group.partners, missing, size: group.size });
  const [showQr, setShowQr] = useState(false);
  const { toast, copy } = useCopyLink('invite-link', 'Invite link copied');

  async function share() {
    try {
      await navigator.share({ title: 'Join me in Seen', text: `A room for the ${countWord(group.size)} of us:`, url: link });
    } catch {
      // The person closed the share sheet; nothing to do.
    }
  }

  const canShare = typeof navigator !== 'undefined' && typeof navigator.share === 'function';

  return (
    <section className={prominent ? 'panel' : 'panel panel--sunk'} aria-labelledby="invite-title">
      <div className="stack stack--tight">
        <h2 id="invite-title">{prominent ? inviteTitle({ partners: group.partners, missing, anyoneJoined: joined > 1 }) : 'Invite link'}</h2>
        <p className="muted">
          Anyone with this link can open the room, so {missing > 0 ? 'send it only to' : 'keep it between'} {audience}. The key is in the part after the #; it never reaches the server.
        </p>
      </div>
      <div className="invite-link">
        <label htmlFor="invite-link" className="visually-hidden">
          Invite link
        </label>
        <input id="invite-link" className="input" readOnly value={link} onFocus={(event) => event.currentTarget.select()} />
        <Button variant="primary" icon="copy" onClick={() => void copy(link)}>
          Copy link
        </Button>
      </div>
      <div className="row">
        {canShare && (
          <Button small icon="arrowRight" onClick={() => void share()}>
            Share…
          </Button>
        )}
        <Button small icon="qr" aria-expanded={showQr} aria-controls="invite-qr" onClick={() => setShowQr((shown) => !shown)}>
          {showQr ? 'Hide QR code' : 'Show QR code'}
        </Button>
      </div>
      <div id="invite-qr" hidden={!showQr}>
        {showQr && (
          <div className="stack stack--tight">
            <Suspense fallback={<div className="qr qr-placeholder">Drawing the code…</div>}>
              <QrCode text={link} label="QR code of the invite link" />
            </Suspense>
            <p className="faint">
              <Icon name="info" className="icon-inline" /> Point the other phone’s camera here. Keep it between the {countWord(group.size)} of you.
            </p>
          </div>
        )}
      </div>
      <Toast message={toast} />
    </section>
  );
}
