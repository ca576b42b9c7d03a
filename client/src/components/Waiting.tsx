import { BrandMark } from './Icon.tsx';

export function Waiting({ title, detail }: { title: string; detail?: string }) {
  return (
    <div className="center-screen">
      <div className="waiting" role="status">
        <BrandMark className="waiting__mark" />
        <p>{title}</p>
        {detail && <p className="faint">{detail}</p>}
      </div>
    </div>
  );
}
