// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload in C++: CPU time in a namespaced class template member,
 * ebprof_test::Matrix<int>::multiply(int), reached from
 * ebprof_test::drive(double).  Usage: cxxnames [SECONDS] (default 3).
 */
#include <cstdlib>
#include <ctime>

namespace ebprof_test {

static double now()
{
	timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

template <typename T> class Matrix {
public:
	__attribute__((noinline)) T multiply(T n)
	{
		volatile T x = seed;	/* a stack slot: gcc keeps the frame */

		for (T i = 0; i < n; i++)
			x = x * 31 + i;
		seed = x;
		return x;
	}
	volatile T seed = 1;
};

__attribute__((noinline)) long drive(double until)
{
	Matrix<int> m;
	long sum = 0;

	while (now() < until)
		sum += m.multiply(200000);
	return sum;
}

} // namespace ebprof_test

int main(int argc, char **argv)
{
	double secs = argc > 1 ? std::atof(argv[1]) : 3;

	return ebprof_test::drive(ebprof_test::now() + secs) == 42;
}
