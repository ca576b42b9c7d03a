export type BusMessage =
  /** Envelopes committed under consecutive relaySeqs starting at fromRelaySeq. */
  | { readonly kind: 'envelopes'; readonly roomId: string; readonly fromRelaySeq: number; readonly envelopes: readonly Uint8Array[] }
  /** Committed relaySeqs too large to carry: readers fetch them from the database. */
  | { readonly kind: 'range'; readonly roomId: string; readonly fromRelaySeq: number; readonly toRelaySeq: number }
  /** A presence envelope (never stored). */
  | { readonly kind: 'presence'; readonly roomId: string; readonly envelope: Uint8Array }
  | { readonly kind: 'sealed'; readonly roomId: string; readonly deviceCount: number }
  | { readonly kind: 'deleted'; readonly roomId: string }
  /** A device registered on some relay (others refresh their device set). */
  | { readonly kind: 'device'; readonly roomId: string; readonly devicePublicKey: Uint8Array }
  /** A device revoked on some relay (SEALED-19): every relay closes its sockets and forgets it. */
  | { readonly kind: 'revoked'; readonly roomId: string; readonly devicePublicKey: Uint8Array };

export interface RoomBus {
  readonly relayId: string;
  join(roomId: string): Promise<void>;
  leave(roomId: string): Promise<void>;
  publish(message: BusMessage): void;
  onMessage(handler: (message: BusMessage) => void): void;
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}
