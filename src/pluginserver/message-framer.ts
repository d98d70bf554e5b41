// Cuts a socket's byte stream into whole MessagePack messages: any number of messages per read,
// any split between reads, bounded pending bytes. Complete messages inside one read are handed
// out as views of that read (no copy); only an unfinished message is copied and accumulated.
import { DEFAULT_MESSAGE_LIMITS, MessageScanner, type MessageLimits } from './msgpack-scanner';

export { DEFAULT_MESSAGE_LIMITS, FrameError, type MessageLimits } from './msgpack-scanner';

/** Default bound of one message: far above Kong's largest realistic answer (a logged body). */
export const DEFAULT_MAX_MESSAGE_BYTES = DEFAULT_MESSAGE_LIMITS.maxBytes;

const MIN_PENDING_CAPACITY = 16 * 1024;

export class MessageFramer {
  private readonly scanner: MessageScanner;
  /**
   * The unfinished message at [0, pendingLength). Its bytes are never moved or overwritten once
   * a message was cut from them: decoded `bin` values (raw bodies) are views of these bytes.
   */
  private pending: Buffer | undefined;
  private pendingLength = 0;

  constructor(
    private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
    limits: Partial<Omit<MessageLimits, 'maxBytes'>> = {},
  ) {
    if (!(maxMessageBytes > 0)) throw new RangeError(`maxMessageBytes must be > 0`);
    this.scanner = new MessageScanner({ ...limits, maxBytes: maxMessageBytes });
  }

  /** Bytes held for an unfinished message. */
  get pendingBytes(): number {
    return this.pendingLength;
  }

  /**
   * Feeds one read. Calls `onMessage` with each message completed by it, in order. Throws
   * FrameError (invalid bytes, message over the bound); the stream is unusable afterwards.
   */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    let bytes = chunk;
    let end = chunk.length;
    const continued = this.pending !== undefined;
    if (continued) {
      this.append(chunk);
      bytes = this.pending!;
      end = this.pendingLength;
      this.pending = undefined;
      this.pendingLength = 0;
    }
    let start = 0;
    while (start < end) {
      const length = this.scanner.scan(bytes, start, end);
      if (length < 0) {
        if (continued && start === 0) {
          // Still the same unfinished message: keep accumulating in place (1-byte reads stay linear).
          this.pending = bytes;
          this.pendingLength = end;
        } else {
          this.keep(bytes, start, end);
        }
        return;
      }
      this.scanner.reset();
      onMessage(bytes.subarray(start, start + length));
      start += length;
    }
  }

  /** Holds the unfinished tail `bytes[start, end)` until more arrives. */
  private keep(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    const buffer = Buffer.allocUnsafe(Math.max(length * 2, MIN_PENDING_CAPACITY));
    bytes.copy(buffer, 0, start, end);
    this.pending = buffer;
    this.pendingLength = length;
  }

  private append(chunk: Buffer): void {
    const pending = this.pending!;
    const needed = this.pendingLength + chunk.length;
    if (needed > pending.length) {
      // Doubling keeps copies linear; past the bound the scanner rejects, so cap the growth.
      const capped = Math.min(pending.length * 2, this.maxMessageBytes + chunk.length);
      const grown = Buffer.allocUnsafe(Math.max(needed, capped));
      pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    chunk.copy(this.pending!, this.pendingLength);
    this.pendingLength = needed;
  }
}
