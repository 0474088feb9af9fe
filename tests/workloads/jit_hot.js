// JIT workload for tests/e2e/jit.sh: node [--perf-basic-prof|--perf-prof]
// jit_hot.js SECONDS [grow].  Spends its time in hotLoop, compiled by
// V8; with "grow", from the first second on it compiles a new function
// every 200 ms (grown_1, grown_2, ...) and spends its time in the newest,
// so the perf map keeps growing while it is recorded.
'use strict';
function hotLoop(n) {
	let s = 0;
	for (let i = 0; i < n; i++)
		s += Math.sqrt(i) * Math.sin(i);
	return s;
}
const secs = +(process.argv[2] || 3), grow = process.argv[3] === 'grow';
const t0 = Date.now(), end = t0 + secs * 1000;
let f = hotLoop, made = 0, x = 0;
while (Date.now() < end) {
	if (grow && Date.now() - t0 > 1000 + 200 * made) {
		made++;
		f = new Function('n', `return function grown_${made}(n) {
			let s = 0;
			for (let i = 0; i < n; i++) s += Math.sqrt(i + ${made}) * Math.cos(i);
			return s;
		}`)();
	}
	x += f(100000);
}
if (x === 42)
	console.log(x);
