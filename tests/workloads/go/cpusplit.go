// SPDX-License-Identifier: GPL-2.0
//
// Test workload (Go, standard library only): a known call chain
// main.main -> main.run -> main.work{A,B,C} -> main.burn and a known CPU
// split: 60% under workA, 30% under workB, 10% under workC, as
// tests/workloads/cpusplit.c.  Usage: cpusplit [SECONDS] (default 3).
package main

import (
	"os"
	"strconv"
	"time"
)

var sink uint64

//go:noinline
func store(x uint64) { sink = x }

// burn calls store so that it is not a leaf: Go gives leaves without a
// frame no frame pointer, and perf's frame-pointer walk would then skip
// burn's caller.
//
//go:noinline
func burn(units int) {
	x := sink
	for i := 0; i < units*20000; i++ {
		x = x*2862933555777941757 + 3037000493
	}
	store(x)
}

//go:noinline
func workA() { burn(6) }

//go:noinline
func workB() { burn(3) }

//go:noinline
func workC() { burn(1) }

//go:noinline
func run(until time.Time) {
	for time.Now().Before(until) {
		workA()
		workB()
		workC()
	}
}

func main() {
	secs := 3.0
	if len(os.Args) > 1 {
		if v, err := strconv.ParseFloat(os.Args[1], 64); err == nil {
			secs = v
		}
	}
	run(time.Now().Add(time.Duration(secs * float64(time.Second))))
}
