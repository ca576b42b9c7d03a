import type { BusMessage } from './RoomBus.ts';

/**
 * The bytes relays exchange over the bus. Layout (integers big-endian):
 *
 *   version u8 | kind u8 | relayId (u8 length, ASCII) | roomId (u16 length, UTF-8) | fields
 *
 *   envelopes: fromRelaySeq u64 | count u32 | count × (length u32 | bytes)
 *   range:     fromRelaySeq u64 | toRelaySeq u64
 *   presence:  length u32 | bytes
 *   sealed:    deviceCount u32
 *   deleted:   (nothing)
 *   device:    length u16 | public key bytes
 *   revoked:   length u16 | public key bytes
 *
 * The publisher's relayId rides along because Redis echoes a message to its publisher's own
 * subscriber: a relay drops what it sent itself. The decoder trusts nothing: whatever else shares
 * the channel (another version, a stray PUBLISH) is refused with a BusCodecError, never a crash.
 */
export const BUS_CODEC_VERSION = 1;

const KIND_CODES = { envelopes: 1, range: 2, presence: 3, sealed: 4, deleted: 5, device: 6, revoked: 7 } as const;
type Kind = keyof typeof KIND_CODES;
const KINDS_BY_CODE = new Map<number, Kind>(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as Kind]));

const MAX_RELAY_ID_BYTES = 0xff;
const MAX_ROOM_ID_BYTES = 0xffff;
const MAX_DEVICE_KEY_BYTES = 0xffff;
const MAX_U32 = 0xffff_ffff;

export interface DecodedBusMessage {
  readonly relayId: string;
  readonly message: BusMessage;
}

/** Bytes that are not a bus message this relay understands. */
export class BusCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusCodecError';
  }
}

const textEncoder = new TextEncoder();
const strictTextDecoder = new TextDecoder('utf-8', { fatal: true });

export function encodeBusMessage(relayId: string, message: BusMessage): Uint8Array {
  const relayIdBytes = textEncoder.encode(relayId);
  const roomIdBytes = textEncoder.encode(message.roomId);
  if (relayIdBytes.length === 0 || relayIdBytes.length > MAX_RELAY_ID_BYTES) {
    throw new BusCodecError(`A relay id must be 1 to ${MAX_RELAY_ID_BYTES} bytes long; got ${relayIdBytes.length}.`);
  }
  if (roomIdBytes.length === 0 || roomIdBytes.length > MAX_ROOM_ID_BYTES) {
    throw new BusCodecError(`A room id must be 1 to ${MAX_ROOM_ID_BYTES} bytes long; got ${roomIdBytes.length}.`);
  }
  const writer = new ByteWriter(2 + 1 + relayIdBytes.length + 2 + roomIdBytes.length + measureFields(message));
  writer.u8(BUS_CODEC_VERSION);
  writer.u8(KIND_CODES[message.kind]);
  writer.u8(relayIdBytes.length);
  writer.bytes(relayIdBytes);
  writer.u16(roomIdBytes.length);
  writer.bytes(roomIdBytes);
  switch (message.kind) {
    case 'envelopes':
      writer.u64(message.fromRelaySeq, 'fromRelaySeq');
      writer.u32(message.envelopes.length, 'the envelope count');
      for (const envelope of message.envelopes) {
        writer.u32(envelope.length, 'an envelope length');
        writer.bytes(envelope);
      }
      break;
    case 'range':
      writer.u64(message.fromRelaySeq, 'fromRelaySeq');
      writer.u64(message.toRelaySeq, 'toRelaySeq');
      if (message.toRelaySeq < message.fromRelaySeq) throw new BusCodecError(`A bus range must not end (${message.toRelaySeq}) before it starts (${message.fromRelaySeq}).`);
      break;
    case 'presence':
      writer.u32(message.envelope.length, 'the presence envelope length');
      writer.bytes(message.envelope);
      break;
    case 'sealed':
      writer.u32(message.deviceCount, 'deviceCount');
      break;
    case 'deleted':
      break;
    case 'device':
    case 'revoked':
      if (message.devicePublicKey.length > MAX_DEVICE_KEY_BYTES) {
        throw new BusCodecError(`A device public key must be at most ${MAX_DEVICE_KEY_BYTES} bytes; got ${message.devicePublicKey.length}.`);
      }
      writer.u16(message.devicePublicKey.length);
      writer.bytes(message.devicePublicKey);
      break;
  }
  return writer.finish();
}

/** Throws BusCodecError, with a sentence saying what is wrong, on anything but a whole, valid message. */
export function decodeBusMessage(bytes: Uint8Array): DecodedBusMessage {
  const reader = new ByteReader(bytes);
  const version = reader.u8('the version');
  if (version !== BUS_CODEC_VERSION) {
    throw new BusCodecError(`Bus message version ${version} is not understood (this relay speaks ${BUS_CODEC_VERSION}); relays of different versions must not share a bus.`);
  }
  const kindCode = reader.u8('the kind');
  const kind = KINDS_BY_CODE.get(kindCode);
  if (kind === undefined) throw new BusCodecError(`Bus message kind ${kindCode} is unknown.`);
  const relayId = reader.text(reader.u8('the relay id length'), 'the relay id');
  if (relayId.length === 0) throw new BusCodecError('The bus message names no relay.');
  const roomId = reader.text(reader.u16('the room id length'), 'the room id');
  if (roomId.length === 0) throw new BusCodecError('The bus message names no room.');
  const message = decodeFields(reader, kind, roomId);
  if (reader.remaining !== 0) throw new BusCodecError(`The bus message has ${reader.remaining} bytes after its last field.`);
  return { relayId, message };
}

function decodeFields(reader: ByteReader, kind: Kind, roomId: string): BusMessage {
  switch (kind) {
    case 'envelopes': {
      const fromRelaySeq = reader.u64('fromRelaySeq');
      const count = reader.u32('the envelope count');
      // Each envelope costs at least its 4-byte length: a huge count in a short message is a lie.
      if (count * 4 > reader.remaining) throw new BusCodecError(`The bus message claims ${count} envelopes but has only ${reader.remaining} bytes left.`);
      const envelopes: Uint8Array[] = [];
      for (let index = 0; index < count; index++) envelopes.push(reader.bytes(reader.u32('an envelope length'), 'an envelope'));
      return { kind, roomId, fromRelaySeq, envelopes };
    }
    case 'range': {
      const fromRelaySeq = reader.u64('fromRelaySeq');
      const toRelaySeq = reader.u64('toRelaySeq');
      if (toRelaySeq < fromRelaySeq) throw new BusCodecError(`The bus range ${fromRelaySeq}..${toRelaySeq} ends before it starts.`);
      return { kind, roomId, fromRelaySeq, toRelaySeq };
    }
    case 'presence':
      return { kind, roomId, envelope: reader.bytes(reader.u32('the presence envelope length'), 'the presence envelope') };
    case 'sealed':
      return { kind, roomId, deviceCount: reader.u32('deviceCount') };
    case 'deleted':
      return { kind, roomId };
    case 'device':
    case 'revoked':
      return { kind, roomId, devicePublicKey: reader.bytes(reader.u16('the device key length'), 'the device key') };
  }
}

function measureFields(message: BusMessage): number {
  switch (message.kind) {
    case 'envelopes': {
      let size = 8 + 4;
      for (const envelope of message.envelopes) size += 4 + envelope.length;
      return size;
    }
    case 'range':
      return 16;
    case 'presence':
      return 4 + message.envelope.length;
    case 'sealed':
      return 4;
    case 'deleted':
      return 0;
    case 'device':
    case 'revoked':
      return 2 + message.devicePublicKey.length;
  }
}

class ByteWriter {
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private offset = 0;

  constructor(size: number) {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  u8(value: number): void {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
  }

  u16(value: number): void {
    this.view.setUint16(this.offset, value);
    this.offset += 2;
  }

  u32(value: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U32) throw new BusCodecError(`${what} must be an integer from 0 to ${MAX_U32}; got ${value}.`);
    this.view.setUint32(this.offset, value);
    this.offset += 4;
  }

  u64(value: number, what: string): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new BusCodecError(`${what} must be a non-negative safe integer; got ${value}.`);
    this.view.setBigUint64(this.offset, BigInt(value));
    this.offset += 8;
  }

  bytes(value: Uint8Array): void {
    this.buffer.set(value, this.offset);
    this.offset += value.length;
  }

  finish(): Uint8Array {
    return this.buffer;
  }
}

class ByteReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly source: Uint8Array) {
    this.view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  }

  get remaining(): number {
    return this.source.length - this.offset;
  }

  private need(length: number, what: string): void {
    if (length > this.remaining) throw new BusCodecError(`The bus message ends inside ${what} (needs ${length} bytes, ${this.remaining} left).`);
  }

  u8(what: string): number {
    this.need(1, what);
    const value = this.view.getUint8(this.offset);
    this.offset += 1;
    return value;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  u64(what: string): number {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BusCodecError(`${what} ${value} is beyond what a relay can number.`);
    return Number(value);
  }

  /** A view into the message (no copy): each received message has its own buffer. */
  bytes(length: number, what: string): Uint8Array {
    this.need(length, what);
    const value = new Uint8Array(this.source.buffer, this.source.byteOffset + this.offset, length);
    this.offset += length;
    return value;
  }

  text(length: number, what: string): string {
    const bytes = this.bytes(length, what);
    try {
      return strictTextDecoder.decode(bytes);
    } catch {
      throw new BusCodecError(`${what} in the bus message is not valid UTF-8.`);
    }
  }
}
