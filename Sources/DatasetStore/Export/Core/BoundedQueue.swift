import Foundation

/// A blocking FIFO between one producer and one consumer thread, bounded by the total byte
/// size of the queued elements (so a fast producer cannot run memory away), closable by either
/// side.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [(Element, Int)?] = []
    private var head = 0
    private var bytes = 0
    private let capacity: Int
    private var closed = false

    init(capacityBytes: Int) { capacity = capacityBytes }

    /// Waits for room, then enqueues; returns false when the queue was closed (the consumer quit).
    func push(_ element: Element, size: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && bytes > 0 && bytes + size > capacity { condition.wait() }
        if closed { return false }
        items.append((element, size))
        bytes += size
        condition.broadcast()
        return true
    }

    /// Waits for an element; nil when the queue is closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count, let (element, size) = items[head] else { return nil }
        items[head] = nil // release the element's memory now, not at the next compaction
        head += 1
        if head > 1024 && head * 2 > items.count { items.removeFirst(head); head = 0 }
        bytes -= size
        condition.broadcast()
        return element
    }

    /// No more elements (producer done) or no more interest (consumer failed).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
