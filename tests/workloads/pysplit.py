# Python workload for tests/e2e/python.sh: three threads burn CPU in three
# functions in a 60/30/10 split of thread CPU time, each under a chain of
# known callers; other modes: zlib (a C extension that releases the GIL,
# beside a thread running Python), deep (recursion 200 deep) and fixed (a
# fixed amount of work, for benchmarks: the first argument is units).  Prints each thread's CPU
# time at the end ("cpu NAME SECONDS") so tests compare against it.
import sys
import threading
import time
import zlib


def spin(budget):
    end = time.thread_time() + budget
    x = 0
    while time.thread_time() < end:
        for i in range(200):
            x += i * i
    return x


def work_a(budget):
    return spin(budget)


def work_b(budget):
    return spin(budget)


def work_c(budget):
    return spin(budget)


def outer_a(budget):
    return work_a(budget)


def squash(budget):
    data = bytes(range(256)) * 4096
    end = time.thread_time() + budget
    while time.thread_time() < end:
        zlib.compress(data, 9)


def recurse(n, budget):
    if n == 0:
        return spin(budget)
    return recurse(n - 1, budget)


def fixed(units):
    """A fixed amount of work (benchmarks): the same for every run."""
    x = 0
    for _ in range(int(units)):
        for i in range(200):
            x += i * i
    return x


class Runner:
    def run(self, fn, budget, name, times):
        t0 = time.thread_time()
        fn(budget)
        times[name] = time.thread_time() - t0


def main():
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    mode = sys.argv[2] if len(sys.argv) > 2 else "split"
    times = {}
    r = Runner()
    if mode == "split":
        jobs = [("a", outer_a, 0.6), ("b", work_b, 0.3), ("c", work_c, 0.1)]
    elif mode == "zlib":
        jobs = [("z", squash, 0.5), ("a", work_a, 0.5)]
    elif mode == "deep":
        jobs = [("d", lambda b: recurse(200, b), 1.0)]
    elif mode == "fixed":
        fixed(secs)
        return
    else:
        sys.exit("unknown mode " + mode)
    threads = [threading.Thread(target=r.run, name=name,
                                args=(fn, secs * share, name, times))
               for name, fn, share in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in sorted(times):
        print("cpu %s %.3f" % (name, times[name]))


if __name__ == "__main__":
    main()
