/** What DeadlineTimers keeps in an entry (intrusive: no allocation of its own per entry). */
export interface Timed {
  /** When the entry expires, in performance.now() milliseconds. */
  due: number;
  prevTimed: Timed | undefined;
  nextTimed: Timed | undefined;
  timedList: TimedList | undefined;
}

/** The entries of one timeout length, in the order they were added, hence by due time. */
interface TimedList {
  readonly timeoutMs: number;
  head: Timed | undefined;
  tail: Timed | undefined;
  timer: NodeJS.Timeout | undefined;
  /** When the timer is meant to fire (at or after the head's due time, unless capped). */
  armedDue: number;
}

/** setTimeout's limit; a longer delay fires after 1 ms instead. */
const MAX_DELAY_MS = 2 ** 31 - 1;

function fireList(timers: { fire(list: TimedList): void }, list: TimedList): void {
  timers.fire(list);
}

/**
 * Timeouts for many entries at one Node timer per distinct timeout length instead of one timer per
 * entry: entries of one length are due in the order they were added, so a doubly linked list per
 * length gives O(1) add and remove and the timer only ever waits for the list's head. Once a list is
 * empty its timer is cleared, so nothing keeps the process alive. Deadlines use the monotonic clock.
 */
export class DeadlineTimers<E extends Timed> {
  readonly #lists = new Map<number, TimedList>();
  readonly #onExpire: (entry: E) => void;

  constructor(onExpire: (entry: E) => void) {
    this.#onExpire = onExpire;
  }

  /** Calls onExpire(entry) in `timeoutMs` unless remove(entry) is called first. */
  add(entry: E, timeoutMs: number): void {
    const now = performance.now();
    entry.due = now + timeoutMs;
    let list = this.#lists.get(timeoutMs);
    if (list === undefined) {
      list = { timeoutMs, head: undefined, tail: undefined, timer: undefined, armedDue: 0 };
      this.#lists.set(timeoutMs, list);
    }
    entry.timedList = list;
    entry.prevTimed = list.tail;
    entry.nextTimed = undefined;
    if (list.tail === undefined) list.head = entry;
    else list.tail.nextTimed = entry;
    list.tail = entry;
    if (list.timer === undefined) this.#arm(list, now);
  }

  /** Forgets an entry's timeout; nothing happens when it has none. */
  remove(entry: E): void {
    const list = entry.timedList;
    if (list === undefined) return;
    const { prevTimed, nextTimed } = entry;
    if (prevTimed === undefined) list.head = nextTimed;
    else prevTimed.nextTimed = nextTimed;
    if (nextTimed === undefined) list.tail = prevTimed;
    else nextTimed.prevTimed = prevTimed;
    entry.prevTimed = undefined;
    entry.nextTimed = undefined;
    entry.timedList = undefined;
    if (list.head === undefined) {
      clearTimeout(list.timer);
      list.timer = undefined;
      if (this.#lists.get(list.timeoutMs) === list) this.#lists.delete(list.timeoutMs);
    }
    // A removed head leaves the timer armed for its due time; it then re-arms for the new head.
  }

  /** @internal The list's timer fired: expires what is due, re-arms for the rest. */
  fire(list: TimedList): void {
    list.timer = undefined;
    const now = performance.now();
    // What the timer was armed for is due even if the clock disagrees by a fraction of a millisecond
    // (timers run on the event loop's cached clock) or is faked in a test.
    let head = list.head;
    while (head !== undefined && (head.due <= list.armedDue || head.due <= now)) {
      this.remove(head as E);
      this.#onExpire(head as E);
      head = list.head;
    }
    if (list.head !== undefined && list.timer === undefined) this.#arm(list, now);
  }

  #arm(list: TimedList, now: number): void {
    const delay = Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil(list.head!.due - now)));
    list.armedDue = now + delay;
    list.timer = setTimeout(fireList, delay, this, list);
  }
}
