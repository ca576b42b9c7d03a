import { useLayoutEffect, useRef, useState } from 'react';

// Loaded only on the History tab: a small hand-drawn SVG of both check-ins over the sessions.
export interface ChartPoint {
  readonly session: number;
  readonly mine: number | null;
  readonly partner: number | null;
}

const DEFAULT_WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 34, right: 16, top: 14, bottom: 34 };

export default function CheckinChart({ points, partnerName }: { points: readonly ChartPoint[]; partnerName: string }) {
  // Drawn at the size it is shown (1 SVG unit = 1 CSS pixel), so labels stay readable on a phone
  // and don't balloon on a desktop.
  const frame = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useLayoutEffect(() => {
    const element = frame.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.round(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const innerWidth = width - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (points.length <= 1 ? innerWidth / 2 : (index / (points.length - 1)) * innerWidth);
  const y = (value: number) => PAD.top + ((7 - value) / 6) * innerHeight;
  const line = (pick: (point: ChartPoint) => number | null) => {
    let d = '';
    let pen = false;
    points.forEach((point, index) => {
      const value = pick(point);
      if (value === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(index).toFixed(1)} ${y(value).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const summary = points
    .map((point) => `Session ${point.session}: you ${point.mine ?? 'no answer'}, ${partnerName} ${point.partner ?? 'not shown'}`)
    .join('; ');

  return (
    <figure className="stack stack--tight chart-frame" ref={frame}>
      <svg className="chart" viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={`Closeness check-ins, 1 to 7. ${summary}.`}>
        {[1, 4, 7].map((value) => (
          <g key={value}>
            <line className="grid" x1={PAD.left} x2={width - PAD.right} y1={y(value)} y2={y(value)} />
            <text x={PAD.left - 10} y={y(value) + 4} textAnchor="end">
              {value}
            </text>
          </g>
        ))}
        {points.map((point, index) => (
          <text key={point.session} x={x(index)} y={HEIGHT - 10} textAnchor="middle">
            {point.session}
          </text>
        ))}
        <path className="line-partner" d={line((p) => p.partner)} fill="none" strokeWidth={3} strokeLinecap="round" strokeLinejoin="round" strokeDasharray="1 7" />
        <path className="line-me" d={line((p) => p.mine)} fill="none" strokeWidth={3} strokeLinecap="round" strokeLinejoin="round" />
        {points.map((point, index) => (
          <g key={point.session}>
            {point.partner !== null && <circle className="dot-partner" cx={x(index)} cy={y(point.partner)} r={5} />}
            {point.mine !== null && <circle className="dot-me" cx={x(index)} cy={y(point.mine)} r={4} />}
          </g>
        ))}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-me">You</span>
        <span className="legend-partner">{partnerName}</span>
        <span>Sessions along the bottom · 1 far apart, 7 very close</span>
      </figcaption>
    </figure>
  );
}
