// Loaded only when someone asks for a QR code: the encoder is not part of the first download.
import { useMemo } from 'react';
import QRCode from 'qrcode';

export default function QrCode({ text, label }: { text: string; label: string }) {
  // One SVG path of dark modules (no inline styles, no data: URLs: both would need a looser CSP).
  const { size, path } = useMemo(() => {
    const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const count = code.modules.size;
    const data = code.modules.data;
    let d = '';
    for (let row = 0; row < count; row++) {
      for (let col = 0; col < count; col++) {
        if (data[row * count + col]) d += `M${col + 4} ${row + 4}h1v1h-1z`;
      }
    }
    return { size: count + 8, path: d };
  }, [text]);
  return (
    <div className="qr">
      <svg viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shapeRendering="crispEdges">
        <rect width={size} height={size} fill="#ffffff" />
        <path d={path} fill="#1c1916" />
      </svg>
    </div>
  );
}
