// Finds where one MessagePack value ends without decoding it: a resumable walk over headers and
// lengths, so a message split anywhere (even inside a length prefix) is detected as incomplete
// instead of being decoded again and again, and its size is known before it is all buffered.

/** The bytes are not MessagePack, or a message exceeds the configured bounds. */
export class FrameError extends Error {
  override name = 'FrameError';
}

const INCOMPLETE = -1;

/**
 * Shape bounds of one message, checked from the headers before its bytes are decoded. What Kong
 * sends: 4-item requests whose params hold a few small maps and, in a PDK answer, one string
 * (the serialized log, megabytes at most), a raw body (bin), or a table: a header or query
 * multimap (nginx caps these at 100 entries by default, 1000 when raised) or a decoded body.
 */
export interface MessageLimits {
  /** Bytes of one message (declared str/bin lengths count at once). */
  maxBytes: number;
  /** Bytes of one str (the serialized log is the largest Kong sends). */
  maxStringBytes: number;
  /** Bytes of one bin (raw bodies). */
  maxBinBytes: number;
  /** Items of one array, or key/value pairs of one map. */
  maxContainerLength: number;
  /** Values in one message, containers and their contents alike. */
  maxValues: number;
  /** Nesting of arrays and maps. */
  maxDepth: number;
}

export const DEFAULT_MESSAGE_LIMITS: Readonly<MessageLimits> = {
  maxBytes: 64 * 1024 * 1024,
  maxStringBytes: 64 * 1024 * 1024,
  maxBinBytes: 64 * 1024 * 1024,
  maxContainerLength: 10_000,
  maxValues: 100_000,
  maxDepth: 64,
};

/** Big-endian unsigned integer of `width` bytes (1, 2 or 4) at `at`. */
function readLength(bytes: Uint8Array, at: number, width: number): number {
  if (width === 1) return bytes[at]!;
  if (width === 2) return (bytes[at]! << 8) | bytes[at + 1]!;
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

export class MessageScanner {
  /** Offset from the message start of the next header (or of the payload being skipped). */
  private offset = 0;
  /** End offset of a str/bin/ext payload being skipped; <= offset when none. */
  private skipTo = 0;
  /** Items still expected in each open array/map (a map counts keys and values). */
  private readonly open: number[] = [];
  /** Values declared so far in this message (each header, plus the items containers promise). */
  private values = 0;
  private readonly limits: MessageLimits;
  private readonly maxBytes: number;

  constructor(limits: Partial<MessageLimits> = {}) {
    this.limits = { ...DEFAULT_MESSAGE_LIMITS, ...limits };
    this.maxBytes = this.limits.maxBytes;
  }

  /** Forgets the message: the next scan starts a new one. */
  reset(): void {
    this.offset = 0;
    this.skipTo = 0;
    this.open.length = 0;
    this.values = 0;
  }

  /**
   * Continues the walk over `bytes[start, end)`, where `start` is the first byte of the message
   * (the same on every call for one message, `end` growing). Returns the message length once it
   * is complete, otherwise -1. Throws FrameError on invalid bytes or when the message is known to
   * exceed `maxBytes` (a declared str/bin length counts at once, before its bytes arrive).
   */
  scan(bytes: Uint8Array, start: number, end: number): number {
    const available = end - start;
    for (;;) {
      if (this.skipTo > this.offset) {
        if (this.skipTo > available) return this.incomplete(available);
        this.offset = this.skipTo;
        if (this.closeValue()) return this.complete();
        continue;
      }
      if (this.offset >= available) return this.incomplete(available);
      const at = start + this.offset;
      const head = bytes[at]!;
      // Header size, then what follows it: a payload to skip or a number of items.
      let size = 1;
      let payload = 0;
      let items = 0;
      let lengthWidth = 0;
      let isContainer = false;
      let isMap = false;
      if (head <= 0x7f || head >= 0xe0) {
        // positive / negative fixint
      } else if (head <= 0x8f) {
        isContainer = isMap = true;
        items = head & 0x0f;
      } else if (head <= 0x9f) {
        isContainer = true;
        items = head & 0x0f;
      } else if (head <= 0xbf) {
        payload = head & 0x1f;
      } else {
        switch (head) {
          case 0xc0: // nil
          case 0xc2: // false
          case 0xc3: // true
            break;
          case 0xc4: // bin 8
          case 0xd9: // str 8
            lengthWidth = 1;
            break;
          case 0xc5: // bin 16
          case 0xda: // str 16
            lengthWidth = 2;
            break;
          case 0xc6: // bin 32
          case 0xdb: // str 32
            lengthWidth = 4;
            break;
          case 0xc7: // ext 8 (length, then a type byte)
            lengthWidth = 1;
            break;
          case 0xc8: // ext 16
            lengthWidth = 2;
            break;
          case 0xc9: // ext 32
            lengthWidth = 4;
            break;
          case 0xca: // float 32
          case 0xce: // uint 32
          case 0xd2: // int 32
            size = 5;
            break;
          case 0xcb: // float 64
          case 0xcf: // uint 64
          case 0xd3: // int 64
            size = 9;
            break;
          case 0xcc: // uint 8
          case 0xd0: // int 8
            size = 2;
            break;
          case 0xcd: // uint 16
          case 0xd1: // int 16
            size = 3;
            break;
          case 0xd4: // fixext 1..16: a type byte, then 2^n bytes
          case 0xd5:
          case 0xd6:
          case 0xd7:
          case 0xd8:
            size = 2;
            payload = 1 << (head - 0xd4);
            break;
          case 0xdc: // array 16
          case 0xdd: // array 32
            isContainer = true;
            lengthWidth = head === 0xdc ? 2 : 4;
            break;
          case 0xde: // map 16
          case 0xdf: // map 32
            isContainer = isMap = true;
            lengthWidth = head === 0xde ? 2 : 4;
            break;
          default: // 0xc1 is never used
            throw new FrameError(
              `invalid MessagePack byte 0x${head.toString(16)} at ${this.offset}`,
            );
        }
      }
      if (lengthWidth > 0) {
        const isExt = head >= 0xc7 && head <= 0xc9;
        size = 1 + lengthWidth + (isExt ? 1 : 0);
        // A length prefix split across reads: wait for the rest of the header.
        if (this.offset + size > available) return this.incomplete(available);
        const length = readLength(bytes, at + 1, lengthWidth);
        if (isContainer) items = length;
        else {
          payload = length;
          this.checkPayload(head, length);
        }
      } else if (this.offset + size > available) {
        return this.incomplete(available);
      }
      this.offset += size;
      if (this.open.length === 0 && this.values === 0) this.values = 1; // the top-level value
      if (isContainer) {
        const count = isMap ? items * 2 : items;
        if (items > this.limits.maxContainerLength) {
          throw new FrameError(
            `${isMap ? 'map' : 'array'} of ${items} entries exceeds the ${this.limits.maxContainerLength} limit`,
          );
        }
        // A container promises its items up front: refuse before reading them.
        this.values += count;
        if (this.values > this.limits.maxValues) {
          throw new FrameError(`message of over ${this.limits.maxValues} values`);
        }
        if (count > 0) {
          if (this.open.length >= this.limits.maxDepth) {
            throw new FrameError(`message nests deeper than ${this.limits.maxDepth} levels`);
          }
          this.open.push(count);
          continue;
        }
      } else if (payload > 0) {
        this.skipTo = this.offset + payload;
        if (this.skipTo > this.maxBytes) throw this.tooLarge(this.skipTo);
        continue;
      }
      if (this.closeValue()) return this.complete();
    }
  }

  /** str 8/16/32 and bin lengths against their own bounds (a fixstr is at most 31 bytes). */
  private checkPayload(head: number, length: number): void {
    const isStr = head >= 0xd9 && head <= 0xdb;
    const isBin = head >= 0xc4 && head <= 0xc6;
    if (isStr && length > this.limits.maxStringBytes) {
      throw new FrameError(
        `string of ${length} bytes exceeds the ${this.limits.maxStringBytes} limit`,
      );
    }
    if (isBin && length > this.limits.maxBinBytes) {
      throw new FrameError(`bin of ${length} bytes exceeds the ${this.limits.maxBinBytes} limit`);
    }
  }

  /** A value just ended: count it in its container. True when the top-level value is complete. */
  private closeValue(): boolean {
    const open = this.open;
    while (open.length > 0) {
      const last = open.length - 1;
      const left = open[last]! - 1;
      if (left > 0) {
        open[last] = left;
        return false;
      }
      open.pop(); // the container is complete: it is itself a value of its parent
    }
    return true;
  }

  /** The same bound for a message that arrived whole (in one read, or its last bytes did). */
  private complete(): number {
    if (this.offset > this.maxBytes) throw this.tooLarge(this.offset);
    return this.offset;
  }

  /** Every byte seen so far belongs to the unfinished message, so they all count toward the bound. */
  private incomplete(available: number): number {
    if (available > this.maxBytes) throw this.tooLarge(available);
    return INCOMPLETE;
  }

  private tooLarge(bytes: number): FrameError {
    return new FrameError(
      `message of at least ${bytes} bytes exceeds the ${this.maxBytes} byte limit`,
    );
  }
}
