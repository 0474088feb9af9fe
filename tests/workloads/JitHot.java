// JVM workload for tests/e2e/jit.sh: java JitHot SECONDS spends its time in
// hotLoop, compiled by the JIT (C2) after a few hundred milliseconds.
public class JitHot {
	static double hotLoop(int n) {
		double s = 0;
		for (int i = 0; i < n; i++)
			s += Math.sqrt(i) * Math.sin(i);
		return s;
	}
	public static void main(String[] a) {
		long end = System.currentTimeMillis() + (long)(Double.parseDouble(a[0]) * 1000);
		double x = 0;
		while (System.currentTimeMillis() < end)
			x += hotLoop(100000);
		if (x == 42) System.out.println(x);
	}
}
