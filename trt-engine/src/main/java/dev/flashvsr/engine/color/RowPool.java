package dev.flashvsr.engine.color;

/**
 * A tiny fixed set of worker threads that run the parts of one job at a time, without allocating
 * per job (no futures, no task objects): the caller runs part 0 itself and waits for the others.
 */
public final class RowPool implements AutoCloseable {

    /** One job split into {@code parts} independent parts. */
    public interface Job {
        void run(int part, int parts);
    }

    private final Object lock = new Object();
    private final Thread[] workers;
    private Job job;
    private int parts;
    private long generation;
    private int pending;
    private Throwable failure;
    private boolean closed;

    public RowPool(int threads, String name) {
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            Thread t = new Thread(() -> workerLoop(index), name + "-" + index);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return workers.length + 1;
    }

    /** Runs parts 0..parts-1 of the job, part 0 on the calling thread; at most {@link #threads()} parts. */
    public void run(Job task, int partCount) {
        if (partCount < 1 || partCount > threads()) {
            throw new IllegalArgumentException("parts " + partCount + " not in 1.." + threads());
        }
        if (partCount == 1) {
            task.run(0, 1);
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("pool closed");
            }
            job = task;
            parts = partCount;
            pending = partCount - 1;
            failure = null;
            generation++;
            lock.notifyAll();
        }
        Throwable own = null;
        try {
            task.run(0, partCount);
        } catch (Throwable t) {
            own = t;
        }
        Throwable other;
        boolean interrupted = false;
        synchronized (lock) {
            while (pending > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the workers still use the shared scratch: wait them out
                }
            }
            job = null;
            other = failure;
            failure = null;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable first = own != null ? own : other;
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private void workerLoop(int index) {
        long seen = 0;
        while (true) {
            Job task;
            int count;
            synchronized (lock) {
                while (!closed && generation == seen) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // only close() ends a worker
                    }
                }
                if (closed) {
                    return;
                }
                seen = generation;
                task = job;
                count = parts;
            }
            if (task == null || index >= count) {
                continue;
            }
            Throwable thrown = null;
            try {
                task.run(index, count);
            } catch (Throwable t) {
                thrown = t;
            }
            synchronized (lock) {
                if (thrown != null && failure == null) {
                    failure = thrown;
                }
                if (--pending == 0) {
                    lock.notifyAll();
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
