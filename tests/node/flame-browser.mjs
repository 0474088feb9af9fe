// Drives an `ebprof flame` SVG in headless Chromium and checks its
// interactivity against figures computed here from the folded input.
//
//   node flame-browser.mjs GRAPH.svg INPUT.folded ZOOM_FRAME SEARCH...
//
// FLAME_TEST_PREFIX is put before every check's name.
//
// Prints "ok - NAME" / "not ok - NAME: why" lines for tests/run.sh.
import { createRequire } from 'module';
import { readFileSync } from 'fs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [svgPath, foldedPath, zoomName, ...searches] = process.argv.slice(2);
let failed = 0;
const prefix = process.env.FLAME_TEST_PREFIX || '';

function check(ok, what, why) {
	const name = prefix + what;
	if (ok) {
		console.log(`ok - ${name}`);
	} else {
		failed++;
		console.log(`not ok - ${name}: ${why}`);
	}
}

// Share of samples whose stack has a frame matching any term: what
// "Matched" must show, nested matches counted once.
function expectedShare(search, icase) {
	const res = search.split(',').map((t) => t.trim()).filter((t) => t)
		.map((t) => new RegExp(t, icase ? 'i' : ''));
	let total = 0, hit = 0;
	for (const line of readFileSync(foldedPath, 'utf8').split('\n')) {
		const m = /^(.*\S)\s+(\d+(?:\.\d*)?)$/.exec(line);
		if (!m)
			continue;
		const n = parseFloat(m[2]);
		const frames = m[1].split(';')
			.map((f) => f.replace(/_\[[kjiw]\]$/, ''));
		total += n;
		if (frames.some((f) => res.some((r) => r.test(f))))
			hit += n;
	}
	return total ? 100 * hit / total : 0;
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu',
		'--disable-background-networking', '--disable-component-update',
		'--disable-sync', '--no-first-run'],
});
const errors = [];
const requests = [];
const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => {
	if (m.type() === 'error')
		errors.push(m.text());
});
page.on('request', (r) => {
	if (!r.url().startsWith('file:'))
		requests.push(r.url());
});
let nextAnswer = null;
const unexpectedDialogs = [];
page.on('dialog', async (d) => {
	if (d.type() === 'prompt' && nextAnswer !== null) {
		const a = nextAnswer;
		nextAnswer = null;
		await d.accept(a);
	} else {
		unexpectedDialogs.push(d.type() + ': ' + d.message());
		await d.dismiss();
	}
});

const url = 'file://' + svgPath;
await page.goto(url);

// Frames of the graph as the DOM has them now.
async function frames() {
	return page.$$eval('#frames > g', (gs) => gs.map((g) => {
		const r = g.querySelector('rect');
		return {
			title: g.querySelector('title').textContent,
			x: parseFloat(r.getAttribute('x')),
			w: parseFloat(r.getAttribute('width')),
			hidden: g.classList.contains('hide'),
			parent: g.classList.contains('parent'),
			fill: r.getAttribute('fill'),
		};
	}));
}

const full = await page.$eval('svg', (s) =>
	parseFloat(s.getAttribute('width')) - 20);
const before = await frames();
const target = before.findIndex((f) => f.title.startsWith(zoomName + ' ('));
check(target >= 0, 'frame to zoom exists', `no frame '${zoomName}'`);

// Hover: the details line shows the frame's title.
const sel = `#frames > g:nth-child(${target + 1}) > rect`;
await page.hover(sel);
const details = await page.$eval('#details', (t) => t.textContent);
check(details === 'Function: ' + before[target].title, 'hover details',
	`details '${details}'`);

// Click: the frame takes the full width, ancestors stay, others hide.
await page.click(sel);
let after = await frames();
check(Math.abs(after[target].w - full) < 1, 'click zooms to full width',
	`width ${after[target].w} of ${full}`);
check(after[0].parent && !after[0].hidden && Math.abs(after[0].w - full) < 1,
	'ancestors stay visible, dimmed', JSON.stringify(after[0]));
check(after.some((f) => f.hidden), 'unrelated frames hidden', 'none hidden');
check(await page.$eval('#unzoom', (t) => !t.classList.contains('hide')),
	'Reset Zoom appears', 'still hidden');
const zoomUrl = page.url();
check(/[?&]x=[0-9.]+&y=[0-9.]+/.test(zoomUrl), 'zoom kept in the URL',
	zoomUrl);

// The URL reopens the same view.
await page.goto(zoomUrl);
after = await frames();
check(Math.abs(after[target].w - full) < 1, 'URL reopens the zoom',
	`width ${after[target].w}`);

// Reset Zoom restores every frame.
await page.click('#unzoom');
after = await frames();
check(after.every((f, i) => !f.hidden && Math.abs(f.w - before[i].w) < 0.05),
	'Reset Zoom restores the graph', 'widths differ');
check(await page.$eval('#unzoom', (t) => t.classList.contains('hide')),
	'Reset Zoom hides again', 'still shown');

// Searches through Ctrl-F: Matched equals the share of matching stacks.
async function search(term) {
	nextAnswer = term;
	await page.keyboard.press('Control+f');
	await page.waitForFunction(() => true);
	return page.$eval('#matched', (t) => t.textContent);
}

for (const term of searches) {
	const text = await search(term);
	const m = /Matched: ([0-9.]+)%/.exec(text);
	const want = expectedShare(term, false);
	check(m && Math.abs(parseFloat(m[1]) - want) < 0.006,
		`search '${term}' matched share`,
		`shows '${text}', want ${want.toFixed(2)}%`);
	const hl = (await frames()).filter((f) => f.fill === '#e040e0');
	check(hl.length > 0 || want === 0, `search '${term}' highlights`,
		'no frame highlighted');
}

// Case-insensitive toggle (Ctrl-I) re-runs the search.
const upper = searches[0].toUpperCase();
let text = await search(upper);
const plain = expectedShare(upper, false);
await page.keyboard.press('Control+i');
text = await page.$eval('#matched', (t) => t.textContent);
const m = /Matched: ([0-9.]+)%/.exec(text);
const want = expectedShare(upper, true);
check(want > plain && m && Math.abs(parseFloat(m[1]) - want) < 0.006,
	'Ctrl-I searches case-insensitively', `'${text}', want ${want}`);
check(/[?&]i=1/.test(page.url()) && /[?&]s=/.test(page.url()),
	'search and case kept in the URL', page.url());

// Next / previous match.
await page.keyboard.press('n');
let d = await page.$eval('#details', (t) => t.textContent);
check(/^Match 1 of \d+: /.test(d), 'n selects the first match', d);
await page.keyboard.press('n');
await page.keyboard.press('Shift+N');
d = await page.$eval('#details', (t) => t.textContent);
check(/^Match 1 of \d+: /.test(d) &&
	(await page.$$('#frames > g.cur')).length === 1,
	'N goes back to the previous match', d);
await page.click('#next');
d = await page.$eval('#details', (t) => t.textContent);
check(/^Match 2 of \d+: /.test(d) || /^Match 1 of 1: /.test(d),
	'the next-match control advances', d);

// The search state survives a reload through the URL.
await page.goto(page.url());
text = await page.$eval('#matched', (t) => t.textContent);
check(text.startsWith('Matched: '), 'URL reopens the search', text);

// An invalid regular expression is reported, not thrown.
text = await search('(');
d = await page.$eval('#details', (t) => t.textContent);
check(/^Invalid search/.test(d), 'invalid regex reported', d);

// Hostile names stay text.
const injected = await page.evaluate(() => window.__pwned === true ||
	document.querySelectorAll('script').length !== 1 ||
	document.querySelectorAll('[onload]').length !== 0);
check(!injected, 'names cannot inject markup or script', 'injected');
check(errors.length === 0, 'no script errors', errors.join(' | '));
check(unexpectedDialogs.length === 0, 'no unexpected dialogs',
	unexpectedDialogs.join(' | '));
check(requests.length === 0, 'no network requests', requests.join(' '));

await browser.close();
process.exit(failed ? 1 : 0);
