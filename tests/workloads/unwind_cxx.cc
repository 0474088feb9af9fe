// SPDX-License-Identifier: GPL-2.0
/*
 * C++ test workload for stack unwinding: a virtual call, a std::function
 * and std::sort calling back a comparator, each ending in burn().
 * Usage: unwind_cxx [SECONDS] (default 2).  Known chain, root first:
 *   main;run;Shape::area (virtual);visit;std::sort internals;by_weight;burn
 */
#include <algorithm>
#include <functional>
#include <vector>

#include "burn.h"

__attribute__((noinline)) bool by_weight(int a, int b)
{
	burn(1);
	return a < b;
}

__attribute__((noinline)) void visit(const std::function<void()> &f)
{
	f();
}

struct Shape {
	virtual ~Shape() {}
	virtual void area() = 0;
};

struct Square : Shape {
	std::vector<int> v;
	__attribute__((noinline)) void area() override
	{
		visit([this] {
			for (int i = 0; i < 24; i++)
				v[i] = (i * 7919) % 24;
			std::sort(v.begin(), v.end(), by_weight);
		});
	}
};

__attribute__((noinline)) void run(Shape *s, double until)
{
	while (wl_now() < until)
		s->area();
}

int main(int argc, char **argv)
{
	Square sq;

	sq.v.resize(24);
	run(&sq, wl_now() + wl_seconds(argc, argv, 2));
	return 0;
}
