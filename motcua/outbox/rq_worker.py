"""The worker class of the Redis backend: rq's own, with its stop bounded."""

from __future__ import annotations

from rq import Worker as RQWorker


class Worker(RQWorker):
    """rq's worker, stopping within a second or two.

    rq 3 unsubscribes its pub/sub channel and then stops the thread that listens on it. Since
    redis-py 8.2 that stop waits for the thread without a bound, and the thread, woken by the
    answer to the unsubscribe, can go back to waiting for a subscription for the whole of rq's
    60-second sleep (rq/rq#1613): a worker asked to stop then took up to a minute, and `motcua
    serve` with it. The thread is a daemon; the process ends without it.
    """

    def unsubscribe(self) -> None:
        thread = self.pubsub_thread
        if thread is None:
            return
        self.pubsub.unsubscribe()
        thread.stop(timeout=1)
        self.pubsub.close()
