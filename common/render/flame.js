// SPDX-License-Identifier: GPL-2.0
// Interactivity of the SVG that `ebprof flame` writes.  The build turns this
// file into a C string (mk/flame.mk); flamesvg.c embeds it after a line that
// defines `fg_cfg` (geometry only: every name reaches this code through the
// DOM's textContent, never through script source or innerHTML).
//
// Frames are the <g> children of #frames in pre-order (a frame, then its
// subtree), so a frame's parent and the end of its subtree follow from the
// order and the depth encoded in each rect's y.
//
//   hover          details line: "Function: NAME (N samples, P%)"
//   click          zoom the frame to the full width; ancestors stay, dimmed
//   Reset Zoom, Esc, click on the root: unzoom
//   Ctrl-F, F3, Search: regular expressions, comma-separated terms
//   n / N, the arrows: next / previous match
//   Ctrl-I, "ic":  case-insensitive search
//   URL ?x=&y= (zoomed frame), s= (search), i=1 (ignore case)
"use strict";
(function () {
	var cfg = fg_cfg;
	var frames = [];
	var total = 0;
	var zoomed = null;
	var term = "";
	var icase = false;
	var matches = [];
	var current = -1;
	var el = {};

	function byId(id) {
		return document.getElementById(id);
	}

	function setText(node, s) {
		node.textContent = s;
	}

	function show(node, on) {
		if (on)
			node.classList.remove("hide");
		else
			node.classList.add("hide");
	}

	function number(s) {
		var v = parseFloat(s.replace(/,/g, ""));
		return isFinite(v) ? v : 0;
	}

	// "NAME (DETAILS)": DETAILS never contains " (", the name may.
	function parseTitle(t) {
		var i = t.lastIndexOf(" (");
		if (i < 0)
			return { name: t, value: 0 };
		var m = /^([0-9][0-9,.]*) /.exec(t.slice(i + 2));
		return { name: t.slice(0, i), value: m ? number(m[1]) : 0 };
	}

	function depthOf(y) {
		var d = cfg.inverted ? (y - cfg.y0) / cfg.fh : (cfg.y0 - y) / cfg.fh;
		return Math.max(0, Math.round(d));
	}

	function label(name, w) {
		var chars = Math.floor(w / (cfg.fontsize * cfg.fontwidth));
		if (chars < 3)
			return "";
		var cp = Array.from(name);
		if (cp.length <= chars)
			return name;
		return cp.slice(0, chars - 2).join("") + "..";
	}

	function place(f, x, w) {
		f.rect.setAttribute("x", x.toFixed(1));
		f.rect.setAttribute("width", w.toFixed(1));
		var s = label(f.name, w);
		if (!f.text && s === "")
			return;
		if (!f.text) {
			f.text = document.createElementNS(
				"http://www.w3.org/2000/svg", "text");
			f.text.setAttribute("y",
				(f.y + (cfg.fh - 1) / 2 + cfg.fontsize * 0.35)
					.toFixed(1));
			f.g.appendChild(f.text);
		}
		f.text.setAttribute("x", (x + 3).toFixed(1));
		setText(f.text, s);
	}

	function init() {
		var root = byId("frames");
		var stack = [];
		var bydepth = [];
		var kids = root ? root.childNodes : [];
		var i;

		el.details = byId("details");
		el.matched = byId("matched");
		el.unzoom = byId("unzoom");
		el.search = byId("search");
		el.icase = byId("ignorecase");
		el.prev = byId("prev");
		el.next = byId("next");
		for (i = 0; i < kids.length; i++) {
			var g = kids[i];
			if (g.nodeType !== 1 || g.localName !== "g")
				continue;
			var rect = g.getElementsByTagName("rect")[0];
			var title = g.getElementsByTagName("title")[0];
			if (!rect || !title)
				continue;
			var tt = title.textContent;
			var p = parseTitle(tt);
			var y = parseFloat(rect.getAttribute("y"));
			var f = {
				i: frames.length, g: g, rect: rect,
				text: g.getElementsByTagName("text")[0] || null,
				title: tt, name: p.name, value: p.value,
				x: parseFloat(rect.getAttribute("x")),
				w: parseFloat(rect.getAttribute("width")),
				y: y, depth: depthOf(y),
				fill: rect.getAttribute("fill"),
				parent: null, end: 0, matched: false
			};
			if (f.depth > 0)
				f.parent = bydepth[f.depth - 1] || null;
			bydepth[f.depth] = f;
			bydepth.length = f.depth + 1;
			while (stack.length &&
			       stack[stack.length - 1].depth >= f.depth)
				stack.pop().end = f.i;
			stack.push(f);
			g.fgIndex = f.i;
			frames.push(f);
		}
		while (stack.length)
			stack.pop().end = frames.length;
		total = frames.length ? frames[0].value : 0;
	}

	function frameOf(node) {
		while (node && node !== document) {
			if (node.fgIndex !== undefined)
				return frames[node.fgIndex];
			node = node.parentNode;
		}
		return null;
	}

	function within(node, target) {
		while (node) {
			if (node === target)
				return true;
			node = node.parentNode;
		}
		return false;
	}

	function pct(v) {
		return total > 0 ? (100 * v / total).toFixed(2) + "%" : "0%";
	}

	function saveState() {
		var q = [];
		if (zoomed)
			q.push("x=" + zoomed.x.toFixed(1), "y=" + zoomed.y);
		if (term)
			q.push("s=" + encodeURIComponent(term));
		if (icase)
			q.push("i=1");
		try {
			history.replaceState(null, "", location.pathname +
				(q.length ? "?" + q.join("&") : "") +
				location.hash);
		} catch (e) {
			// file: URLs in some browsers refuse; the view still works
		}
	}

	function zoom(f) {
		var full = cfg.width - 2 * cfg.xpad;
		var scale, a, i;

		if (!f || f.w <= 0)
			return;
		if (f === frames[0]) {
			unzoom();
			return;
		}
		zoomed = f;
		scale = full / f.w;
		for (a = f.parent; a; a = a.parent)
			a.anc = true;
		for (i = 0; i < frames.length; i++) {
			var o = frames[i];
			if (o.anc) {
				o.anc = false;
				show(o.g, true);
				o.g.classList.add("parent");
				place(o, cfg.xpad, full);
			} else if (i >= f.i && i < f.end) {
				show(o.g, true);
				o.g.classList.remove("parent");
				place(o, cfg.xpad + (o.x - f.x) * scale,
				      o.w * scale);
			} else {
				show(o.g, false);
			}
		}
		show(el.unzoom, true);
		saveState();
	}

	function unzoom() {
		var i;

		zoomed = null;
		for (i = 0; i < frames.length; i++) {
			var o = frames[i];
			show(o.g, true);
			o.g.classList.remove("parent");
			place(o, o.x, o.w);
		}
		show(el.unzoom, false);
		saveState();
	}

	function compile(s) {
		var parts = s.split(","), res = [], i;

		for (i = 0; i < parts.length; i++) {
			var t = parts[i].trim();
			if (t !== "")
				res.push(new RegExp(t, icase ? "i" : ""));
		}
		return res;
	}

	function setCurrent(k) {
		if (current >= 0 && matches[current])
			matches[current].g.classList.remove("cur");
		current = k;
		if (k < 0)
			return;
		var f = matches[k];
		if (zoomed && f.g.classList.contains("hide"))
			unzoom();
		f.g.classList.add("cur");
		setText(el.details, "Match " + (k + 1) + " of " +
			matches.length + ": " + f.title);
		if (f.rect.scrollIntoView)
			f.rect.scrollIntoView({ block: "nearest" });
	}

	function search(s) {
		var res, sum = 0, i;

		setCurrent(-1);
		matches = [];
		term = s || "";
		try {
			res = compile(term);
		} catch (e) {
			setText(el.details, "Invalid search: " + e.message);
			res = [];
		}
		for (i = 0; i < frames.length; i++) {
			var f = frames[i], j, hit = false;
			for (j = 0; j < res.length && !hit; j++)
				hit = res[j].test(f.name);
			f.matched = hit;
			// Nested matches count once: only the outermost one adds.
			f.inMatch = f.parent ?
				(f.parent.inMatch || f.parent.matched) : false;
			if (hit) {
				matches.push(f);
				if (!f.inMatch)
					sum += f.value;
			}
			f.rect.setAttribute("fill", hit ? cfg.match : f.fill);
		}
		setText(el.matched, term ? "Matched: " + pct(sum) +
			" (" + matches.length + " frames)" : "");
		setText(el.search, term ? "Search: " + term : "Search");
		show(el.prev, matches.length > 0);
		show(el.next, matches.length > 0);
		saveState();
	}

	function ask() {
		var s = prompt("Search for (regular expressions, " +
			       "comma-separated; empty clears):", term);
		if (s !== null)
			search(s);
	}

	function step(dir) {
		var n = matches.length;
		if (!n)
			return;
		setCurrent(current < 0 ? (dir > 0 ? 0 : n - 1) :
			   (current + dir + n) % n);
	}

	function toggleCase() {
		icase = !icase;
		if (icase)
			el.icase.classList.add("on");
		else
			el.icase.classList.remove("on");
		if (term)
			search(term);
		else
			saveState();
	}

	function restore() {
		var q = location.search.replace(/^\?/, "").split("&");
		var p = {}, i;

		for (i = 0; i < q.length; i++) {
			var kv = q[i].split("=");
			if (kv[0])
				p[kv[0]] = decodeURIComponent(
					(kv[1] || "").replace(/\+/g, " "));
		}
		if (p.i === "1") {
			icase = true;
			el.icase.classList.add("on");
		}
		if (p.s)
			search(p.s);
		if (p.x !== undefined && p.y !== undefined) {
			var x = parseFloat(p.x), y = parseFloat(p.y);
			for (i = 0; i < frames.length; i++) {
				var f = frames[i];
				if (Math.abs(f.x - x) < 0.05 &&
				    Math.abs(f.y - y) < 0.05) {
					zoom(f);
					break;
				}
			}
		}
	}

	function onClick(e) {
		var t = e.target;
		if (within(t, el.unzoom)) {
			unzoom();
		} else if (within(t, el.search)) {
			ask();
		} else if (within(t, el.icase)) {
			toggleCase();
		} else if (within(t, el.prev)) {
			step(-1);
		} else if (within(t, el.next)) {
			step(1);
		} else {
			var f = frameOf(t);
			if (f)
				zoom(f);
		}
	}

	function onKey(e) {
		var k = e.key;
		if ((e.ctrlKey || e.metaKey) && (k === "f" || k === "F") ||
		    k === "F3") {
			e.preventDefault();
			ask();
		} else if ((e.ctrlKey || e.metaKey) &&
			   (k === "i" || k === "I")) {
			e.preventDefault();
			toggleCase();
		} else if (k === "Escape") {
			unzoom();
		} else if (k === "n" && !e.ctrlKey && !e.metaKey) {
			step(1);
		} else if (k === "N" && !e.ctrlKey && !e.metaKey) {
			step(-1);
		}
	}

	init();
	if (!el.details)
		return;
	document.addEventListener("mouseover", function (e) {
		var f = frameOf(e.target);
		if (f)
			setText(el.details, "Function: " + f.title);
	});
	document.addEventListener("mouseout", function (e) {
		if (frameOf(e.target))
			setText(el.details, " ");
	});
	document.addEventListener("click", onClick);
	window.addEventListener("keydown", onKey);
	restore();
})();
