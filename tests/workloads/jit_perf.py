# Python workload for tests/e2e/jit.sh: python3.12 -X perf jit_perf.py
# spends 3 s in hot_py, called through a perf trampoline.
import time, math
def hot_py(n):
    s = 0.0
    for i in range(n):
        s += math.sqrt(i)
    return s
end = time.time() + 3
while time.time() < end:
    hot_py(10000)
